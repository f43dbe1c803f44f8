"""Concurrent writers: versions against lost updates, unique-key races as clean validation errors.

- `version_of(obj)`: a short hash of every stored column of a row. The API sends it as the `ETag` of an object and
  honours `If-Match` on updates (core.api.conditional); edit forms carry it in a hidden field (VersionField).
- `check_version(obj, version)`: inside the writer's transaction, lock the row and refuse when it changed since the
  copy was read (StaleVersion: 412 in the API, a message above the form in the UI) — nothing is overwritten.
- `unique_race(error)`: two requests passing the same "does it exist yet?" check both try to insert; the database's
  unique constraint stops the second, and this turns its IntegrityError into the message the check gives.
"""

import json
from collections.abc import Callable
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _("Someone else changed this record after you opened it. Nothing was saved: open the record again "
                  "to see the current values, then make your change.")


class StaleVersion(ValidationError):
    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


def version_of(obj) -> str:
    """A keyed hash (HMAC with SECRET_KEY) of the row's stored columns: it changes with any column, and, being
    keyed, cannot be used to test guesses of an encrypted value (an ID number) offline."""
    values = [(f.attname, getattr(obj, f.attname)) for f in obj._meta.concrete_fields]
    payload = json.dumps(values, ensure_ascii=False, default=str)
    return salted_hmac("socorg.concurrency.version", payload, algorithm="sha256").hexdigest()[:32]


def check_version(obj, version: str | None) -> None:
    """Lock the row of `obj` for the rest of the transaction and refuse if it no longer matches `version`
    (None or "": no check). Call inside transaction.atomic(), before the write."""
    if not version:
        return
    current = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).first()
    if current is None or version_of(current) != version:
        raise StaleVersion()


@contextmanager
def unique_race(error: Callable[[], ValidationError | None]):
    """Run an insert or update in a savepoint; if a unique constraint refuses it, raise `error()` instead (None:
    the violation was something else, re-raised as it is)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        refusal = error()
        if refusal is None:
            raise
        raise refusal from None


class VersionedFormMixin:
    """An edit form that carries the version of the record it was opened on (hidden field `version`; the view puts
    version_of(record) into its initial data). After validation the version is in `form.version`, not in
    cleaned_data, so it never reaches a service as a field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def _post_clean(self):  # after the form's own clean(), whatever it does
        super()._post_clean()
        self.version = self.cleaned_data.pop("version", "") if hasattr(self, "cleaned_data") else ""


def versioned_initial(initial: dict, obj) -> dict:
    return {**initial, "version": version_of(obj)}


def unless_stale(obj, version: str, action: Callable):
    """Run a form's service call in one transaction after check_version: a stale copy raises StaleVersion (shown
    above the form) and nothing is written."""
    with transaction.atomic():
        check_version(obj, version)
        return action()
