"""Creating, checking and revoking API tokens (the services behind the admin, the command
and request authentication)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cms import audit
from cms import scopes as scope_names
from cms.actors import Actor
from cms.errors import DomainError, ValidationFailed
from cms.models import ApiToken
from cms.roles import is_active_staff

TOKEN_PREFIX = "byl"  # noqa: S105 - the public marker at the start of every token
# last_used_at is written at most this often per token, not on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class InvalidToken(DomainError):
    """The credentials name no usable token (wrong, expired, revoked, or sent wrongly)."""

    code = "invalid_token"
    status = 401


def _digest(secret: str) -> str:
    return salted_hmac("byline.api-token", secret, algorithm="sha256").hexdigest()


def token_create(
    *,
    owner: Any,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    token: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its plaintext, which is never stored and cannot be shown again.
    ``token`` may be an unsaved instance to fill in (the admin's)."""
    wanted = list(dict.fromkeys(scopes))
    unknown = [s for s in wanted if s not in scope_names.ALL_SCOPES]
    if unknown:
        raise ValidationFailed({"scopes": [f"Unknown scope: {', '.join(unknown)}."]})
    if not name.strip():
        raise ValidationFailed({"name": ["Name what the token is for."]})
    if not is_active_staff(owner):
        raise ValidationFailed({"owner": ["Tokens are for active staff users only."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed({"expires_at": ["Give a time in the future."]})
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = token or ApiToken()
    token.name, token.owner, token.scopes, token.expires_at = (
        name.strip(),
        owner,
        wanted,
        expires_at,
    )
    token.prefix, token.digest = prefix, _digest(secret)
    with transaction.atomic():
        token.save()
        audit.record(Actor.for_user(owner), "apitoken.create", token)
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def token_revoke(*, token: ApiToken, actor: Actor | None = None) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit.record(actor or Actor.system(), "apitoken.revoke", token)


def presented_token(authorization: str) -> str | None:
    """The token in an ``Authorization`` header value, or None when it carries none.

    ``Bearer <token>`` (any case, any whitespace). A Byline token sent under another scheme
    (``Token byl_...``) is refused rather than ignored, so a misconfigured integration learns
    of it at once instead of reading as anonymous; other schemes (a proxy's Basic) pass.
    """
    parts = authorization.split(None, 1)
    if not parts:
        return None
    credentials = parts[1].strip() if len(parts) > 1 else ""
    if parts[0].lower() == "bearer":
        return credentials
    if credentials.startswith(f"{TOKEN_PREFIX}_") or parts[0].startswith(f"{TOKEN_PREFIX}_"):
        raise InvalidToken("Send API tokens as Authorization: Bearer <token>.")
    return None


def authenticate(presented: str) -> ApiToken:
    """The live token ``presented`` names, or InvalidToken (wrong, expired or revoked)."""
    kind, _, rest = presented.partition("_")
    prefix, _, secret = rest.partition("_")
    if (
        kind != TOKEN_PREFIX
        or not prefix
        or not secret
        or not (prefix.isascii() and prefix.isalnum())
    ):
        raise InvalidToken("That is not a Byline API token.")
    token = ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
    # Compare a digest even when no row matched, so timing does not reveal valid prefixes.
    expected = token.digest if token is not None else _digest("")
    if not hmac.compare_digest(expected, _digest(secret)) or token is None:
        raise InvalidToken("The API token is not valid.")
    if not token.is_usable or not is_active_staff(token.owner):
        # One answer for every reason a genuine token stopped working: it says nothing about
        # its owner (whether they left, or lost their staff status).
        raise InvalidToken("The API token has expired or been revoked.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
