"""``Authorization: Bearer <token>`` for the REST API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from cms import tokens
from cms.actors import token_actor


class BearerTokenAuthentication(BaseAuthentication):
    """A wrong, expired or revoked token is a 401, never a silent fall-back to anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = get_authorization_header(request).decode("latin-1")
        try:
            presented = tokens.presented_token(header)
            if presented is None:
                return None
            token = tokens.authenticate(presented)
        except tokens.InvalidToken as error:
            raise AuthenticationFailed(error.message, code=error.code) from None
        token_actor(request._request, token)
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme in the OpenAPI document."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (byl_...) created by staff in the admin.",
        }
