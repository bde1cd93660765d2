"""Refusals of a write, shared by both apps so one handler per surface (the
desk's messages, the API's problem+json) can answer all of them.

``code`` is stable for API clients; the message is written for people and
says what to do next.
"""


class Refused(Exception):
    """A write was refused: an illegal move, a stale version, a missing right."""

    code = "refused"
    http_status = 409


class NotAllowed(Refused):
    """The actor lacks the right for this write."""

    code = "not_allowed"
    http_status = 403
