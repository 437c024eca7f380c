"""Errors the frontend reports: each carries the line a user must look at."""

from __future__ import annotations

from kcodegen.errors import BadInput


class FrontendError(BadInput):
    """The file cannot be read as Python (exit code 2)."""


class Unsupported(Exception):
    """A construct the interpreter cannot follow inside a model's definition (exit code 1)."""

    def __init__(self, message: str, line: int, cause: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        # The unknown value whose use raised this: names the failed statement binds inherit it, so
        # a later use names the root cause instead of the chain of statements in between.
        self.cause = cause
