"""The error a domain function raises when it refuses: its message is for the worker to act on."""


class DomainError(Exception):
    """`field` names the form field the message is about, when it is about one: a page puts
    the message by that field, and its error summary links to it."""

    def __init__(self, message: str, *, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


class StalePageError(DomainError):
    """A form says it follows a record (a decision, a review) that was never made: it came from
    a page that was not ours, or was changed on its way. Refused, asking for the page afresh."""

    def __init__(self) -> None:
        super().__init__("This page is out of date: open it again and start from what it shows.")
