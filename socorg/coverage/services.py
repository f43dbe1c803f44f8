"""Coverage writes: taking the half-year snapshot (the figures themselves are derived, never written)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.scope import require

from .models import CoverageSnapshot
from .queries import CountsSource
from .snapshots import figures_of_all_regions, parse_period, snapshot_regions


def _refuse_existing(period: str) -> None:
    existing = CoverageSnapshot.objects.filter(period=period).order_by("taken_at").first()
    if existing is not None:
        raise ValidationError({"period": _(
            "The snapshot of %(period)s was taken at %(at)s. Snapshots are immutable: they cannot be taken again "
            "or replaced.") % {"period": period, "at": timezone.localtime(existing.taken_at).strftime(
                "%Y-%m-%d %H:%M")}})


def snapshot_take(*, period: str, actor=None) -> int:
    """Freeze the figures of every region (nation, provinces, prefectures, counties) for a census period.

    The current half-year is frozen from the maintained counts as they stand now; a past half-year from a
    from-scratch recount as of its last day. A future period, or one already taken, is refused. `actor` None means
    the system (the console command); a user needs coverage.snapshot over the whole country."""
    if actor is not None:
        require(actor, "coverage.snapshot", "100000")
    parsed = parse_period(period)
    today = timezone.localdate()
    if parsed.start > today:
        raise ValidationError({"period": _("%(period)s has not begun yet (it starts on %(start)s); a snapshot "
                                           "freezes a current or past period.")
                               % {"period": parsed, "start": parsed.start.isoformat()}})
    source = CountsSource("maintained") if parsed.end >= today else CountsSource("scratch", parsed.end)
    regions = list(snapshot_regions())
    with transaction.atomic():
        _refuse_existing(str(parsed))
        figures = figures_of_all_regions(source, regions)
        taken_at = timezone.now()
        rows = [CoverageSnapshot(period=str(parsed), region=region, taken_at=taken_at, taken_by=actor,
                                 totals=figures[region.code][0], direct=figures[region.code][1])
                for region in regions]
        try:
            with transaction.atomic():
                CoverageSnapshot.objects.bulk_create(rows, batch_size=2000)
        except IntegrityError:  # another process took the same period meanwhile
            _refuse_existing(str(parsed))
            raise
        audit_write(action="coverage.snapshot", actor=actor or SYSTEM, object_type="coverage.coveragesnapshot",
                    object_id=str(parsed), object_repr=_("Coverage snapshot %(period)s") % {"period": parsed},
                    after={"period": str(parsed), "regions": len(rows),
                           "as_of": (today if parsed.end >= today else parsed.end).isoformat(),
                           "national": figures.get("100000", ({}, None))[0]})
    return len(rows)
