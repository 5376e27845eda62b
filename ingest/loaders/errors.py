"""The one error every loader raises, so callers can report a bad file without a traceback."""

from __future__ import annotations

from assistant.domain.errors import InvalidRequest


class LoadError(InvalidRequest):
    """A file that cannot be turned into text; the message says why, in plain words, and what
    to do about it. An `InvalidRequest`, so every face reports it as the caller's bad input."""
