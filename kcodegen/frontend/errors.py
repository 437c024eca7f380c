"""Errors the frontend reports: each carries the line a user must look at."""

from __future__ import annotations


class FrontendError(Exception):
    """Bad input: the file cannot be read as Python (exit code 2)."""

    def __init__(self, message: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class Unsupported(Exception):
    """A construct the interpreter cannot follow inside a model's definition (exit code 1)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
