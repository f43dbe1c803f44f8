"""PostgreSQL only: a GIN index on the character pairs of party members' names, for the member search by a
two-character name ("曾斌"), which the trigram index cannot answer: without it the search read all 3,000,000 members
of the national set (see core.db.bigram_indexes, core.search.Infix)."""

from django.db import migrations

from socorg.core.db import bigram_indexes


class Migration(migrations.Migration):
    dependencies = [("party", "0014_list_keyset_indexes")]
    operations = [bigram_indexes({
        "party_member_name_bigrams": ("party_partymember", "name"),
    })]
