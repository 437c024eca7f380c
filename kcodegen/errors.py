"""Errors a user can cause. The CLI maps them to exit codes; none of them prints a traceback."""

from __future__ import annotations


class KcgError(Exception):
    def __init__(self, message: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col

    def where(self, path: str) -> str:
        if self.line:
            return f"{path}:{self.line}:{self.col}" if self.col else f"{path}:{self.line}"
        return path


class BadInput(KcgError):
    """Missing file, syntax error, no model, unknown --model: exit code 2."""
