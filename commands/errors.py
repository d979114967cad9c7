"""How a command ends: its exit statuses, and the error it reports to the user in one message."""

from __future__ import annotations

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_INVALID", "EXIT_OK", "CliError"]

EXIT_OK, EXIT_INVALID, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class CliError(Exception):
    """A user-facing error: printed as one message, exit status 2."""
