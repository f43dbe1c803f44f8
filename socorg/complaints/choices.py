from django.db import models
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """How a complaint came in: by staff from a phone call, a letter or a visit, or from the public page."""

    PHONE = "phone", pgettext_lazy("complaint channel", "Phone")
    LETTER = "letter", pgettext_lazy("complaint channel", "Letter")
    VISIT = "visit", pgettext_lazy("complaint channel", "Visit")
    ONLINE = "online", pgettext_lazy("complaint channel", "Public website")
    REFERRAL = "referral", pgettext_lazy("complaint channel", "Referred by another department")


STAFF_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.VISIT, Channel.REFERRAL)


def staff_channel_choices():
    """The channels staff record (the API's choices; named once in settings' ENUM_NAME_OVERRIDES)."""
    return [(c.value, c.label) for c in STAFF_CHANNELS]


class Category(models.TextChoices):
    """What the complaint is about (the matters a registration authority investigates)."""

    ILLEGAL_FUNDRAISING = "illegal_fundraising", pgettext_lazy("complaint category", "Illegal fundraising or "
                                                                                      "donations")
    IMPROPER_FEES = "improper_fees", pgettext_lazy("complaint category", "Improper fees or forced membership")
    OUTSIDE_SCOPE = "outside_scope", pgettext_lazy("complaint category", "Activities outside the registered scope")
    FINANCES = "finances", pgettext_lazy("complaint category", "Financial irregularities")
    GOVERNANCE = "governance", pgettext_lazy("complaint category", "Internal governance (elections, meetings)")
    FALSE_PUBLICITY = "false_publicity", pgettext_lazy("complaint category", "False publicity or awards")
    UNREGISTERED = "unregistered", pgettext_lazy("complaint category", "Unregistered (illegal) organization")
    PARTY_BUILDING = "party_building", pgettext_lazy("complaint category", "Party building")
    OTHER = "other", pgettext_lazy("complaint category", "Other")


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("complaint status", "Received")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("complaint status", "Not accepted")
    ACCEPTED = "accepted", pgettext_lazy("complaint status", "Accepted")
    ASSIGNED = "assigned", pgettext_lazy("complaint status", "Assigned")
    INVESTIGATED = "investigated", pgettext_lazy("complaint status", "Investigated")
    CONCLUDED = "concluded", pgettext_lazy("complaint status", "Concluded")
    REPLIED = "replied", pgettext_lazy("complaint status", "Replied")


# Waiting for the acceptance decision / inside the conclusion deadline / finished.
AWAITING_ACCEPTANCE = (Status.RECEIVED,)
IN_PROGRESS = (Status.ACCEPTED, Status.ASSIGNED, Status.INVESTIGATED)
CLOSED = (Status.NOT_ACCEPTED, Status.CONCLUDED, Status.REPLIED)


class Outcome(models.TextChoices):
    UNFOUNDED = "unfounded", pgettext_lazy("complaint outcome", "Unfounded")
    FOUNDED = "founded", pgettext_lazy("complaint outcome", "Founded")


class ReplyMethod(models.TextChoices):
    PHONE = "phone", pgettext_lazy("complaint reply", "By phone")
    LETTER = "letter", pgettext_lazy("complaint reply", "By letter")
    IN_PERSON = "in_person", pgettext_lazy("complaint reply", "In person")
    ONLINE = "online", pgettext_lazy("complaint reply", "On the public status page")


class Stage(models.TextChoices):
    """Which deadline an escalation is about."""

    ACCEPTANCE = "acceptance", pgettext_lazy("complaint deadline", "Acceptance")
    CONCLUSION = "conclusion", pgettext_lazy("complaint deadline", "Conclusion")


class AttachmentStage(models.TextChoices):
    INTAKE = "intake", pgettext_lazy("complaint attachment", "Submitted with the complaint")
    INVESTIGATION = "investigation", pgettext_lazy("complaint attachment", "Investigation evidence")
    CONCLUSION = "conclusion", pgettext_lazy("complaint attachment", "Decision documents")
