"""PostgreSQL only: trigram indexes for the search's "pinyin / initials / code contains" (core.search), so a
national search for "kejichuangxin", "kjcx" or a credit-code fragment does not read every row."""

from django.db import migrations

from socorg.core.db import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_alter_socialorganization_status")]
    operations = [trigram_indexes({
        "registry_org_pinyin_trgm": ("registry_socialorganization", "name_pinyin"),
        "registry_org_initials_trgm": ("registry_socialorganization", "name_initials"),
        "registry_org_uscc_trgm": ("registry_socialorganization", "uscc"),
    })]
