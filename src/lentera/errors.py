"""Errors a user can cause: each carries a translated message that is safe to show."""


class ActionRefused(Exception):
    """The action was refused; nothing was changed."""

    status_code = 400

    def __init__(self, message: str, *, missing: list[str] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.missing = [str(m) for m in missing or []]


class NotAllowed(ActionRefused):
    """The person asking may not do this."""

    status_code = 403


class Conflict(ActionRefused):
    """Someone else changed the item first (optimistic locking)."""

    status_code = 409


class Unavailable(ActionRefused):
    """A part the action needs (the PDF maker, the storage) failed; try again later."""

    status_code = 503
