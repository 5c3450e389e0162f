"""Domain errors raised by services and translated to HTTP by views and handlers."""


class DomainError(Exception):
    """A use case could not be carried out; the message is safe to show to the user."""

    status_code = 400

    def __init__(self, message: str = "The request could not be completed.") -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """One or more inputs break a business rule; `errors` maps field names to reasons."""

    status_code = 400

    def __init__(self, errors: dict[str, str], message: str = "Please correct the errors below."):
        super().__init__(message)
        self.errors = dict(errors)


class NotFound(DomainError):
    status_code = 404

    def __init__(self, message: str = "That record does not exist.") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    status_code = 403

    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message)


class Conflict(DomainError):
    """The record changed since it was read, or the workflow state forbids the step."""

    status_code = 409

    def __init__(self, message: str = "That record was changed by someone else.") -> None:
        super().__init__(message)


class Gone(DomainError):
    """A link or token that worked once but no longer does (used, expired, revoked)."""

    status_code = 410

    def __init__(self, message: str = "This link is no longer valid.") -> None:
        super().__init__(message)


class TooManyRequests(DomainError):
    status_code = 429

    def __init__(self, message: str = "Too many attempts. Please wait and try again.") -> None:
        super().__init__(message)
