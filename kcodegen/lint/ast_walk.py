"""Walking a module's statements in source order without recursion (a deep file is not bad input)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def statements(body: list[ast.stmt], nested: bool = True) -> Iterator[ast.stmt]:
    """Every statement in ``body`` and the blocks nested in it, in source order; with
    ``nested=False``, not those in the bodies of functions and classes defined there."""
    pending: list[Iterator[ast.stmt]] = [iter(body)]
    while pending:
        statement = next(pending[-1], None)
        if statement is None:
            pending.pop()
            continue
        yield statement
        if not nested and isinstance(statement, _DEFINITIONS):
            continue
        blocks = [getattr(statement, block, ()) for block in ("body", "orelse", "finalbody")]
        blocks += [handler.body for handler in getattr(statement, "handlers", ())]
        blocks += [case.body for case in getattr(statement, "cases", ())]
        pending.extend(iter(block) for block in reversed(blocks) if block)
