"""`socorg demo` brings credit data: penalties, letters and listings decided from the candidates, deterministic."""

import pytest
from django.core.management import call_command

from socorg.credit.models import CreditEntry, Penalty

pytestmark = pytest.mark.django_db


def test_demo_credit_lists_candidates_and_is_deterministic():
    call_command("demo", scale="county", region="530102", orgs=400, activities_per_org=2, verbosity=0)
    entries = list(CreditEntry.objects.order_by("organization_id", "reason").values_list(
        "organization__uscc", "reason", "decided_on", "entered_late"))
    assert entries and {"annual_report_missing"} <= {reason for _, reason, _, _ in entries}
    assert any(late for *_, late in entries) and not all(late for *_, late in entries)
    assert all(e.decision_no or e.automatic for e in CreditEntry.objects.all())
    penalties = Penalty.objects.count()
    call_command("demo_credit", region="530102", replace=True, verbosity=0)
    assert list(CreditEntry.objects.order_by("organization_id", "reason").values_list(
        "organization__uscc", "reason", "decided_on", "entered_late")) == entries
    assert Penalty.objects.count() == penalties
