"""PostgreSQL only: a GIN index on the character pairs of party organization names, for searches of two-character
words (see core.db.bigram_indexes, core.search.Infix)."""

from django.db import migrations

from socorg.core.db import bigram_indexes


class Migration(migrations.Migration):
    dependencies = [("party", "0012_history_periods")]
    operations = [bigram_indexes({
        "party_org_name_bigrams": ("party_partyorganization", "name"),
    })]
