"""Bearer tokens of API clients: prefix lookup, constant-time hash compare, expiry, revocation, allowed IPs."""

import hmac

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from modules.accounts.net import client_ip, ip_in_networks

from .models import ApiToken
from .services import hash_key, split_key, token_touch


class TokenFailed(exceptions.AuthenticationFailed):
    def __init__(self, code: str, message: str):
        super().__init__(detail=message, code=code)


class ApiPrincipal:
    """request.user for API calls: the client, not a staff account (services get user=None)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, client):
        self.client = client

    def __str__(self) -> str:
        return f"api:{self.client.name}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").strip()
        if not header:
            return None
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not key.strip():
            raise TokenFailed("token_invalid", _("Use the header Authorization: Bearer <token>."))
        key = key.strip()
        parts = split_key(key)
        token = None
        if parts is not None:
            token = ApiToken.objects.select_related("client").filter(prefix=parts[0]).first()
        # Compare even when no row matched, so a miss costs about the same as a wrong secret.
        stored = token.key_hash if token else "0" * 64
        if not hmac.compare_digest(stored, hash_key(key)) or token is None:
            raise TokenFailed("token_invalid", _("The token is not valid."))
        if token.is_revoked:
            raise TokenFailed("token_revoked", _("The token has been revoked."))
        if token.is_expired:
            raise TokenFailed("token_expired", _("The token has expired."))
        client = token.client
        if not client.is_active:
            raise TokenFailed("client_inactive", _("The API client is switched off."))
        networks = client.networks()
        address = client_ip(request._request)
        if networks and not ip_in_networks(address, networks):
            raise exceptions.PermissionDenied(
                detail=_("Calls from %(ip)s are not allowed for this client.") % {"ip": address or "?"},
                code="ip_not_allowed",
            )
        token_touch(token=token)
        # The log middleware sees the Django request, not DRF's.
        request._request.api_client = client
        request._request.api_token = token
        request.api_client = client
        return ApiPrincipal(client), token
