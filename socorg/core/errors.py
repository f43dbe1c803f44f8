"""FieldErrors: the one collector of field errors of every service (and the ledger's row checks that call them).

A service validates everything, then raises once, so a form or an API client sees every problem of a submission at
once (`ValidationError({field: [messages]})`: 400 with field errors from the API, messages beside the fields of a
form). Rules are the domain's pure functions (`<app>.rules`); `check` applies one and records its messages under the
field it is about."""

from django.core.exceptions import ValidationError


class FieldErrors(dict):
    """{field: [ValidationError, …]}; empty when all is well."""

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.setdefault(field, []).append(ValidationError(message, code=code))

    def check(self, field: str, rule, *args, fallback=None, **kwargs):
        """`rule(*args, **kwargs)`, or `fallback` with the rule's messages (and codes) recorded under `field`."""
        try:
            return rule(*args, **kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                self.setdefault(field, []).extend(ValidationError(m) for m in error.messages)
            else:
                self.setdefault(field, []).extend(error.error_list)
            return fallback

    def rename(self, old: str, new: str) -> None:
        """Report the errors of `old` under `new` (a service called for another field's sake)."""
        if old in self:
            self.setdefault(new, []).extend(self.pop(old))

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def refuse_unknown_changes(service: str, changes: dict, updatable, hint: str = "") -> None:
    """A programming error, not bad input: an update service called with a field it does not change (TypeError)."""
    unknown = set(changes) - set(updatable)
    if unknown:
        raise TypeError(f"{service}() cannot change {sorted(unknown)}{hint}")
