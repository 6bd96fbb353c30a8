"""Domain errors raised by services and policies.

Each carries a stable ``code`` that adapters pass on unchanged: REST renders it in problem
details, GraphQL mutations in ``errors { field code message }`` (as the ``ErrorCode`` enum),
the admin as a message.

A code is declared once, as the ``code`` of a :class:`DomainError` subclass (here or in an
app); defining the class registers it (:func:`error_codes`), and the GraphQL schema's
``ErrorCode`` enum is built from that registry.
"""

from __future__ import annotations

# code -> the class that declares it (the last one to declare it, for its description).
_CODES: dict[str, type[DomainError]] = {}
_codes_read = False


def error_codes() -> dict[str, type[DomainError]]:
    """Every declared code, and its class. Once read (by the GraphQL schema, as it is built),
    no new code may be declared: the schema would not know it."""
    global _codes_read
    _codes_read = True
    return dict(sorted(_CODES.items()))


def _register(cls: type[DomainError]) -> None:
    if "code" not in vars(cls):
        return  # inherits its parent's code
    if _codes_read and cls.code not in _CODES:
        raise TypeError(
            f"{cls.__qualname__} declares the error code {cls.code!r} after the GraphQL schema "
            "read the codes; declare it in a module imported before the schema is built "
            "(cms/errors.py, or the app's services or graphql modules)."
        )
    _CODES[cls.code] = cls


class DomainError(Exception):
    """A refusal the caller can act on. ``status`` is the HTTP status adapters should use."""

    code = "invalid"
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        _register(cls)

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            if code not in _CODES:
                # Clients read the codes from the schema: an undeclared one would surprise them.
                raise ValueError(f"Undeclared error code {code!r}: declare it on a subclass.")
            self.code = code
        self.field = field


_register(DomainError)


class PermissionDenied(DomainError):
    """The actor may not do this (its role, or its token's scopes, do not allow it)."""

    code = "permission_denied"
    status = 403


class NotAuthenticated(PermissionDenied):
    """Refused because no credentials came (an API token or a signed-in session): 401, so
    the caller knows to authenticate rather than that it lacks a right."""

    code = "not_authenticated"
    status = 401


class NotFound(DomainError):
    """Nothing the actor may see has that address or ID."""

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
    """Input failed validation (each field at fault is named, with its messages).

    ``errors`` maps each field to its messages."""

    code = "invalid"
    status = 400

    def __init__(self, errors: dict[str, list[str]]):
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field)
        self.errors = errors


class PreconditionRequired(DomainError):
    """A write that must name the version it edits (``If-Match``) came without it."""

    code = "precondition_required"
    status = 428


class BadRequest(DomainError):
    """The request itself is malformed (not UTF-8, not JSON, not one JSON object)."""

    code = "bad_user_input"
