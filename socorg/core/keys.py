"""Field-key rotation: re-encrypt every encrypted field (and recompute its blind index) under a new SOCORG_FIELD_KEY.

Procedure (docs in README "Backups and keys"): set SOCORG_FIELD_KEY to the new key and SOCORG_FIELD_KEY_OLD to the
old one (the application keeps reading both), run `socorg rotate-field-key`, then remove SOCORG_FIELD_KEY_OLD.
The command works in batches, one transaction each, and skips values already under the new key, so an interrupted
rotation is resumed by running it again. The start and the end are written to the audit log (actor SYSTEM).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from .audit import SYSTEM, audit_write
from .crypto import EncryptedTextField, blind_index, decrypt, encrypt, under_current_key

BATCH = 1000


def _index_rules() -> dict[tuple[str, str], tuple[str, Callable[[str], str]]]:
    """(model label, encrypted field) → (blind-index column, its rule), from the rule's home."""
    from socorg.party.services.instructors import phone_key

    return {("party.partymember", "id_number"): ("id_number_index", blind_index),
            ("party.instructor", "phone"): ("phone_index", phone_key)}


@dataclass
class Rotation:
    rewritten: dict[str, int] = field(default_factory=dict)
    already: dict[str, int] = field(default_factory=dict)


def encrypted_fields() -> list[tuple[type, list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def _rotate_model(model, names: list[str], rotation: Rotation, batch: int) -> None:
    rules = _index_rules()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.get_field(n).column for n in names]
    indexes = {n: rules[(model._meta.label_lower, n)] for n in names if (model._meta.label_lower, n) in rules}
    label = model._meta.label_lower
    rotation.rewritten[label], rotation.already[label] = 0, 0
    last = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {table} WHERE id > %s "
                           f"ORDER BY id LIMIT {int(batch)}", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            for pk, *tokens in rows:
                changes = {}
                for name, column, token in zip(names, columns, tokens, strict=True):
                    if not token or under_current_key(token):
                        continue
                    plain = decrypt(token)  # under an old key (SOCORG_FIELD_KEY_OLD)
                    changes[column] = encrypt(plain)
                    if name in indexes:
                        index_column, rule = indexes[name]
                        changes[model._meta.get_field(index_column).column] = rule(plain)
                if changes:
                    assignments = ", ".join(f"{quote(c)} = %s" for c in changes)
                    cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*changes.values(), pk])
                    rotation.rewritten[label] += 1
                else:
                    rotation.already[label] += 1
            last = rows[-1][0]


def rotate_field_key(*, batch: int = BATCH) -> Rotation:
    """Re-encrypt every encrypted value not yet under SOCORG_FIELD_KEY; returns what was rewritten per model."""
    models = encrypted_fields()
    audit_write(action="crypto.rotate.start", actor=SYSTEM, object_type="core.fieldkey",
                after={"models": [m._meta.label_lower for m, _names in models]})
    rotation = Rotation()
    for model, names in models:
        _rotate_model(model, names, rotation, batch)
    audit_write(action="crypto.rotate.done", actor=SYSTEM, object_type="core.fieldkey",
                after={"rewritten": rotation.rewritten, "already": rotation.already})
    return rotation
