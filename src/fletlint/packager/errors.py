"""The one error the packager raises: the build cannot be made, and nothing was written."""

from __future__ import annotations


class BuildError(Exception):
    """A refusal or failure of `fletlint build`; the message says what and where."""
