"""PostgreSQL only: GIN indexes on the character pairs of organization names, for searches of two-character words
("协会", "商会"), which the trigram indexes cannot answer (see core.db.bigram_indexes, core.search.Infix)."""

from django.db import migrations

from socorg.core.db import bigram_indexes


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_history_periods")]
    operations = [bigram_indexes({
        "registry_org_name_bigrams": ("registry_socialorganization", "name"),
        "registry_org_short_name_bigrams": ("registry_socialorganization", "short_name"),
    })]
