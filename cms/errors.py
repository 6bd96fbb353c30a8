"""Domain errors raised by services and policies.

Each carries a stable ``code`` that adapters pass on unchanged: REST renders it in problem
details, GraphQL mutations in ``errors { field code message }``, the admin as a message.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the caller can act on. ``status`` is the HTTP status adapters should use."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotAuthenticated(PermissionDenied):
    """Refused because no credentials came (an API token or a signed-in session): 401, so
    the caller knows to authenticate rather than that it lacks a right."""

    code = "not_authenticated"
    status = 401


class NotFound(DomainError):
    code = "not_found"
    status = 404


class InvalidTransition(DomainError):
    """The object's current state does not allow this action (publishing a published article)."""

    code = "invalid_transition"
    status = 409


class InUse(DomainError):
    """The object is referenced by others that would change silently if it went."""

    code = "in_use"
    status = 409


class VersionConflict(DomainError):
    """Someone saved a newer version since the caller read the object."""

    code = "version_conflict"
    status = 412


class ValidationFailed(DomainError):
    """Input failed validation; ``errors`` maps each field to its messages."""

    code = "invalid"
    status = 400

    def __init__(self, errors: dict[str, list[str]]):
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field)
        self.errors = errors
