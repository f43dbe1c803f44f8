"""Two-factor sign-in (等保 2.0 level 3, 8.1.4.1 d): a TOTP authenticator (django-otp's TOTPDevice, RFC 6238) plus
single-use recovery codes (django-otp's StaticDevice). This module answers who must use it and what the session has
passed; the workflows that create, use and reset devices are in services.py (audited), the pages in views.py.

Sign-in is password → code → a verified session. Who is asked for a code:
- the system, security and audit administrators, always (an administrator without an authenticator is sent to
  enrol before anything else);
- every account when SOCORG_2FA_ALL_USERS=1;
- any account that enrolled of its own accord.
API token clients are not asked (see README "Two-factor sign-in"): a token is a separate credential issued at the
server console, stored hashed, expiring and revoked with the password.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set at the password step: the account has a confirmed authenticator, so it is asked for a code.
SESSION_ENROLLED = "socorg_otp_enrolled"


def required_for(user) -> bool:
    """Must this account sign in with a second factor (administrators; everyone with SOCORG_2FA_ALL_USERS)?"""
    return bool(settings.SOCORG_2FA_ALL_USERS or user.admin_roles())


def authenticator(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(request) -> bool:
    """Has this session passed the second factor?"""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def needs_second_factor(request) -> bool:
    """A signed-in session that must still give a code (or enrol) before it reaches anything."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return pending(user, request.session)


def pending(user, session) -> bool:
    if session.get(DEVICE_ID_SESSION_KEY):
        return False
    return bool(session.get(SESSION_ENROLLED)) or required_for(user)


def secret_text(device: TOTPDevice) -> str:
    """The shared secret in base32, in groups of four, for typing into an authenticator app."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as a QR code (SVG in a data: URI, allowed by the page's Content-Security-Policy)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def normalize_code(value: str) -> str:
    """What the user typed, without spaces and hyphens (recovery codes are shown as xxxx-xxxx), lower case."""
    return "".join((value or "").split()).replace("-", "").lower()


def grouped(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code
