"""The error hierarchy every service raises. Each face maps these types, once, to what it shows:
an HTTP status and JSON body, an exit code and message, a visible UI message. Messages are
written for the user: they name the problem and, where there is one, what to do."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class AssistantError(Exception):
    """Base of every error the services raise on purpose."""


def most_specific(error: AssistantError, table: dict[type[AssistantError], T], default: T) -> T:
    """What a face's table says for this error: its own class's entry, else its nearest base's."""
    return next((table[c] for c in type(error).__mro__ if c in table), default)


class InvalidRequest(AssistantError):
    """The request itself is wrong: an empty or too-long question, an unknown filter value, an
    unsupported or unreadable file."""


class NotFound(AssistantError):
    """A named thing (document, conversation, section, job) does not exist."""


class Conflict(AssistantError):
    """The request clashes with what is stored: a document id already taken by another file."""


class TooLarge(AssistantError):
    """The input is over a configured limit (upload size, chunk count, expansion ratio)."""


class Unavailable(AssistantError):
    """A collaborator the request needs is not configured or not reachable (no LLM set, the
    LLM server down, a Chroma server not answering)."""


class Forbidden(AssistantError):
    """The caller's key does not allow this action (a read-only key asking to change data)."""


class Unsupported(InvalidRequest):
    """A file of a type the assistant cannot read."""
