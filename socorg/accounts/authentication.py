"""API token authentication against hashed keys (accounts.ApiToken), with expiry and the forced password change."""

import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; the key is compared by its SHA-256 digest, never stored in clear."""

    def authenticate_credentials(self, key):
        digest = ApiToken.digest_of(key)
        token = ApiToken.objects.select_related("user").filter(digest=digest).first()
        if token is None or not hmac.compare_digest(token.digest, digest):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expired:
            raise exceptions.AuthenticationFailed(_("The token has expired; ask for a new one."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this token is deactivated."))
        if user.must_change_password or user.password_expired(settings.SOCORG_PASSWORD_MAX_AGE_DAYS):
            # A person is behind every token: the forced password change applies to the API too.
            raise exceptions.PermissionDenied(_("You must change your password before you continue: sign in on the "
                                                "web page and change it, then ask for a new token."))
        return user, token
