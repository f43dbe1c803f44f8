from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    """The kinds of organizational life (三会一课 and the rest) a branch records."""

    MEMBER_ASSEMBLY = "member_assembly", _("Branch member assembly")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEMED_PARTY_DAY = "themed_party_day", _("Themed party day")
    LIFE_MEETING = "life_meeting", _("Organizational life meeting")
    MEMBER_APPRAISAL = "member_appraisal", _("Democratic appraisal of members")


# The ledger's Chinese names (ledger-format.md, sheet 「组织生活」), independent of the UI language.
LEDGER_NAMES = {
    ActivityType.MEMBER_ASSEMBLY: "支部党员大会",
    ActivityType.COMMITTEE_MEETING: "支部委员会会议",
    ActivityType.GROUP_MEETING: "党小组会",
    ActivityType.PARTY_LECTURE: "党课",
    ActivityType.THEMED_PARTY_DAY: "主题党日",
    ActivityType.LIFE_MEETING: "组织生活会",
    ActivityType.MEMBER_APPRAISAL: "民主评议党员",
}
TYPE_BY_LEDGER_NAME = {name: code for code, name in LEDGER_NAMES.items()}
TYPE_BY_LEDGER_NAME["支部委员会"] = ActivityType.COMMITTEE_MEETING  # the earlier name, still accepted on import


class AttachmentKind(models.TextChoices):
    MINUTES = "minutes", _("Minutes")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other document")
