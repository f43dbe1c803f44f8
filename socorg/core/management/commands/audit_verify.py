import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.chain import logged_anchors, verify

MESSAGES = {
    "gap": lambda p: _("Entries %(range)s are missing (deleted).") % {"range": p.detail},
    "link": lambda p: _("Entry %(seq)s does not link to the entry before it (deleted or reordered entries).")
    % {"seq": p.seq},
    "altered": lambda p: _("Entry %(seq)s was altered: its content does not match its hash.") % {"seq": p.seq},
    "anchor": lambda p: _("Entry %(seq)s does not match the anchored chain head %(hash)s (the chain was cut or "
                          "rewritten).") % {"seq": p.seq, "hash": p.detail},
    "unchained": lambda p: _("%(count)s entries carry no chain hash (written around the audit log).")
    % {"count": p.detail},
}


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date; expected YYYY-MM-DD, e.g. 2026-01-31.")
                           % {"value": value}) from None


def _anchor(value: str) -> tuple[int, str]:
    seq, _sep, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(_("“%(value)s” is not an anchor; expected SEQ:HASH as shown on the audit page.")
                           % {"value": value})
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = ("Verify the audit log's hash chain and anchors; exits non-zero naming every deleted, altered or "
            "reordered entry: socorg audit-verify [--from DATE] [--anchor SEQ:HASH]")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="since", help="first day to verify (YYYY-MM-DD), e.g. after a purge")
        parser.add_argument("--anchor", action="append", default=[],
                            help="a chain head noted earlier (SEQ:HASH); may repeat")

    def handle(self, *args, since=None, anchor=(), **options):
        start = None
        if since:
            day = _day(since)
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        anchors = [_anchor(value) for value in anchor] + logged_anchors()
        report = verify(since=start, anchors=anchors)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(MESSAGES[problem.kind](problem))
            raise CommandError(_("The audit log fails verification: %(count)s problems.")
                               % {"count": len(report.problems)})
        self.stdout.write(_("Audit log verified: %(count)s entries (%(first)s–%(last)s), head %(hash)s.")
                          % {"count": report.checked, "first": report.first_seq or 0, "last": report.last_seq or 0,
                             "hash": report.head_hash})
