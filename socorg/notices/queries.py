"""Reads of notices: who a notice reaches, a recipient's inbox, a sender's completion figures."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.accounts.models import RoleGrant, User
from socorg.accounts.roles import Role
from socorg.core.home import Todo
from socorg.core.scope import in_subtree

from .choices import ReceiptState, ResponseKind
from .models import Notice, NoticeReceipt

# Roles a notice may address (the three administrators read no business notices).
AUDIENCE_ROLES = (Role.BUREAU_STAFF, Role.PARTY_STAFF, Role.INSTRUCTOR, Role.ORG_ACCOUNT, Role.VIEWER)
STAFF_ROLES = tuple(r for r in AUDIENCE_ROLES if r != Role.ORG_ACCOUNT)


def audience(notice: Notice) -> dict[int, int | None]:
    """The recipient accounts of a notice: {user id: organization id (for an organization's own account) or None}.

    - a list of organizations: those organizations' own accounts;
    - otherwise the accounts of the region subtree — staff, instructors and viewers granted inside it, and the own
      accounts of organizations registered inside it — narrowed by roles (if any), by organization types and
      categories (then organizations' accounts only) and by responsible party bodies (the accounts of the
      organizations they are responsible for today, and the accounts granted over those bodies).
    Only active accounts."""
    recipients: dict[int, int | None] = {}
    orgs = list(notice.organizations.values_list("pk", flat=True)) if notice.pk else []
    org_accounts = User.objects.filter(is_active=True, organization__isnull=False,
                                       grants__role=Role.ORG_ACCOUNT)
    if orgs:
        for user_id, org_id in org_accounts.filter(organization__in=orgs).values_list("pk", "organization_id"):
            recipients[user_id] = org_id
        return recipients
    roles = set(notice.roles or AUDIENCE_ROLES)
    prefix = notice.region.scope_prefix
    bodies = list(notice.bodies.values_list("pk", flat=True)) if notice.pk else []
    narrowed_to_orgs = bool(notice.org_types or notice.categories)
    if Role.ORG_ACCOUNT in roles:
        accounts = org_accounts.filter(in_subtree("organization__authority_region__code", prefix))
        if notice.org_types:
            accounts = accounts.filter(organization__org_type__in=notice.org_types)
        if notice.categories:
            accounts = accounts.filter(organization__category__in=notice.categories)
        if bodies:
            from socorg.party.models import Responsibility

            accounts = accounts.filter(organization__in=Responsibility.objects.active_on().filter(
                body__in=bodies).values("organization"))
        for user_id, org_id in accounts.values_list("pk", "organization_id").distinct():
            recipients[user_id] = org_id
    staff_roles = [r for r in STAFF_ROLES if r in roles]
    if staff_roles and not narrowed_to_orgs:
        grants = RoleGrant.objects.filter(role__in=staff_roles, user__is_active=True)
        if bodies:
            grants = grants.filter(responsible_body__in=bodies)
        else:
            grants = grants.filter(in_subtree("region__code", prefix), responsible_body__isnull=True)
        for user_id in grants.values_list("user_id", flat=True).distinct():
            recipients.setdefault(user_id, None)
    return recipients


def inbox_rows(receipts):
    """Of these receipts, those of current notices (published, not expired): pinned first, then newest."""
    return receipts.current().select_related("notice").order_by("-notice__pinned", "-notice__published_at", "-pk")


def inbox(user):
    """The user's receipts of current notices (published, not expired): pinned first, then newest."""
    return inbox_rows(NoticeReceipt.objects.addressed_to(user))


def receipt_state(receipt: NoticeReceipt, today=None) -> str:
    today = today or timezone.localdate()
    notice = receipt.notice
    if notice.response_kind != ResponseKind.NONE:
        if receipt.responded_at:
            return ReceiptState.DONE
        if notice.response_due_on and today > notice.response_due_on:
            return ReceiptState.OVERDUE
    return ReceiptState.READ if receipt.read_at else ReceiptState.UNREAD


def state_filter(state: str, notice: Notice) -> Q | None:
    """The receipts of a notice in a state (None: an unknown state)."""
    today = timezone.localdate()
    asks = notice.response_kind != ResponseKind.NONE
    if state == ReceiptState.UNREAD:
        return Q(read_at__isnull=True) & (Q(responded_at__isnull=True) if asks else Q())
    if state == ReceiptState.READ:
        condition = Q(read_at__isnull=False)
        if asks:
            condition &= Q(responded_at__isnull=True)
            if notice.response_due_on and today > notice.response_due_on:
                return Q(pk__in=[])
        return condition
    if state == ReceiptState.DONE:
        return Q(responded_at__isnull=False) if asks else Q(pk__in=[])
    if state == ReceiptState.OVERDUE:
        if asks and notice.response_due_on and today > notice.response_due_on:
            return Q(responded_at__isnull=True)
        return Q(pk__in=[])
    return None


def completion(notice: Notice) -> dict[str, int]:
    """The sender's figures: recipients, read, responded (and not yet)."""
    figures = notice.receipts.aggregate(
        recipients=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)),
        responded=Count("pk", filter=Q(responded_at__isnull=False)))
    figures["unread"] = figures["recipients"] - figures["read"]
    figures["not_responded"] = figures["recipients"] - figures["responded"]
    return figures


def notice_todos(user) -> list[Todo]:
    """The home page's lines for a recipient: unread notices, and responses still owed."""
    if not getattr(user, "is_authenticated", False):
        return []
    receipts = NoticeReceipt.objects.current().filter(recipient=user)
    figures = receipts.aggregate(
        total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)),
        owed=Count("pk", filter=~Q(notice__response_kind=ResponseKind.NONE) & Q(responded_at__isnull=True)))
    if not figures["total"]:
        return []
    url = reverse("notices:inbox")
    todos = [Todo(_("Unread notices"), figures["unread"], url)]
    if figures["owed"]:
        todos.append(Todo(_("Notices waiting for your reply or file"), figures["owed"], url + "?owed=1"))
    return todos
