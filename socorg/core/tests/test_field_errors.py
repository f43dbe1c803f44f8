"""core.errors.FieldErrors (the one error collector of the services) and core.audit.audit_changes (the one way an
update is audited)."""

import pytest
from django.core.exceptions import ValidationError

from socorg.core.audit import audit_changes
from socorg.core.errors import FieldErrors
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user


def _positive(value):
    if value <= 0:
        raise ValidationError("必须为正数。", code="not_positive")
    return value


def test_every_problem_is_reported_at_once_by_field():
    errors = FieldErrors()
    errors.add("name", "请填写名称。")
    assert errors.check("count", _positive, -1, fallback=0) == 0
    assert errors.check("total", _positive, 5) == 5
    with pytest.raises(ValidationError) as raised:
        errors.raise_if_any()
    assert raised.value.message_dict == {"name": ["请填写名称。"], "count": ["必须为正数。"]}
    assert [e.code for e in raised.value.error_dict["count"]] == ["not_positive"]


def test_nothing_is_raised_without_a_problem_and_a_rule_error_by_field_is_kept_under_the_checked_field():
    errors = FieldErrors()
    errors.raise_if_any()

    def by_field(value):
        raise ValidationError({"other": "错误。"})

    errors.check("phone", by_field, "x")
    assert {field: [e.message for e in found] for field, found in errors.items()} == {"phone": ["错误。"]}


@pytest.mark.django_db
def test_an_update_is_audited_with_the_changed_keys_only_and_not_at_all_without_a_change():
    actor = make_user()
    before, after = {"name": "甲", "phone_set": True, "region": "530102"}, {"name": "乙", "phone_set": True,
                                                                            "region": "530102"}
    assert audit_changes(action="test.update", obj=actor, actor=actor, before=before, after=after,
                         also=("phone_set",)) == {"name", "phone_set"}
    entry = AuditEntry.objects.get(action="test.update")
    assert entry.before == {"name": "甲", "phone_set": True} and entry.after == {"name": "乙", "phone_set": True}
    assert audit_changes(action="test.nothing", obj=actor, actor=actor, before=after, after=dict(after)) == set()
    assert not AuditEntry.objects.filter(action="test.nothing").exists()
