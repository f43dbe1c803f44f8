"""PostgreSQL only: trigram indexes for the party-organization and member name searches (see core.db)."""

from django.db import migrations

from socorg.core.db import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("party", "0004_member_name_order_index")]
    operations = [trigram_indexes({
        "party_org_name_trgm": ("party_partyorganization", "name"),
        "party_member_name_trgm": ("party_partymember", "name"),
    })]
