from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


# Length of the code prefix shared by a unit's whole subtree (GB/T 2260 codes are hierarchical by position).
SCOPE_PREFIX_LENGTH = {Level.NATIONAL: 0, Level.PROVINCE: 2, Level.PREFECTURE: 4, Level.COUNTY: 6}
