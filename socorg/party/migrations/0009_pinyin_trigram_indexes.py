"""PostgreSQL only: trigram indexes for the search's "pinyin / initials contains" (core.search) of party
organizations and instructors."""

from django.db import migrations

from socorg.core.db import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("party", "0008_alter_instructor_kind")]
    operations = [trigram_indexes({
        "party_org_pinyin_trgm": ("party_partyorganization", "name_pinyin"),
        "party_org_initials_trgm": ("party_partyorganization", "name_initials"),
        "party_instructor_pinyin_trgm": ("party_instructor", "name_pinyin"),
        "party_instructor_initials_trgm": ("party_instructor", "name_initials"),
        "party_instructor_name_trgm": ("party_instructor", "name"),
    })]
