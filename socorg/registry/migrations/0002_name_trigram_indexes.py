"""PostgreSQL only: trigram indexes for the list search's "name contains" (q=…), which otherwise reads every row.
Each CJK character counts as one trigram character (the C.UTF-8 ctype treats them as word characters)."""

from django.db import migrations

from socorg.core.db import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [trigram_indexes({
        "registry_org_name_trgm": ("registry_socialorganization", "name"),
        "registry_org_short_name_trgm": ("registry_socialorganization", "short_name"),
    })]
