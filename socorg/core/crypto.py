"""Encryption of sensitive personal data at rest (PIPL): AES-GCM via Fernet, plus an HMAC blind index.

Keys derive from SOCORG_FIELD_KEY with HKDF so one setting yields separate encryption and index keys. The blind
index is a keyed hash of the normalised value: it allows exact look-up and de-duplication without decrypting."""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


def _derive(purpose: bytes, key: str | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"socorg-field-key", info=purpose).derive(
        (key or settings.SOCORG_FIELD_KEY).encode()
    )


def _fernet_of(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"encryption", key)))


@functools.cache
def _fernet() -> MultiFernet:
    """Encrypts under SOCORG_FIELD_KEY; also decrypts under the keys in SOCORG_FIELD_KEY_OLD while a key rotation
    (`socorg rotate-field-key`) is under way."""
    return MultiFernet([_fernet_of(settings.SOCORG_FIELD_KEY),
                        *(_fernet_of(old) for old in settings.SOCORG_FIELD_KEYS_OLD)])


@functools.cache
def _current_fernet() -> Fernet:
    return _fernet_of(settings.SOCORG_FIELD_KEY)


def under_current_key(token: str) -> bool:
    """Is this ciphertext already encrypted under SOCORG_FIELD_KEY (not an old key)?"""
    try:
        _current_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def forget_keys() -> None:
    """Drop the cached keys (after the settings changed: tests, key rotation)."""
    for cached in (_fernet, _current_fernet, _index_key):
        cached.cache_clear()


@functools.cache
def _index_key() -> bytes:
    return _derive(b"blind-index")


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("cannot decrypt: wrong SOCORG_FIELD_KEY or damaged data") from error


def blind_index(value: str) -> str:
    """Keyed SHA-256 of the normalised value (upper case, no spaces): equal inputs give equal indexes."""
    normalised = "".join(value.split()).upper()
    return hmac.new(_index_key(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """"13812345678" -> "138****5678"; short values are masked entirely."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


SEALED = "fernet:"  # marks a value that leaves the model encrypted (dumpdata, any serializer-based export)


class EncryptedTextField(models.TextField):
    """Stores ciphertext, returns plaintext. Not searchable: pair it with a blind-index column where look-up is needed.

    Model code reads plaintext; templates and serializers must show it through mask() unless the viewer holds the
    reveal permission (and the reveal is audited). Django's serializers (dumpdata, loaddata) see the value sealed:
    "fernet:" + ciphertext under the current key, never the plaintext; loading a sealed value opens it again."""

    def value_from_object(self, obj):
        value = super().value_from_object(obj)
        return SEALED + encrypt(value) if value else value

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(SEALED):
            return decrypt(value.removeprefix(SEALED))
        return super().to_python(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
