"""Line and column of a module's nodes, computed one top-level statement at a time, when asked.

libcst computes positions by generating the code of the whole module while recording where every
node starts and ends: several times the cost of parsing. The interpreter asks for the positions of
the few nodes it reports on, mostly in the statement it is running, so each top-level statement's
positions are computed alone, on first need, and shifted to the statement's line, which the
stdlib ``ast`` gives cheaply. Columns need no shifting: a top-level statement starts a line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider


class LazyPositions:
    """``positions[node]``: the node's ``CodeRange``, as libcst's ``PositionProvider`` gives it."""

    def __init__(self, module: cst.Module, source: str) -> None:
        self.module = module
        self.near = 0  # the top-level statement being run: searched first
        self._source = source
        self._known: dict[cst.CSTNode, CodeRange] = {}
        self._pending = set(range(len(module.body)))
        self._lines: list[int] | None = None  # each top-level statement's first line

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._known.get(node)
        if found is None:
            for index in self._search_order():
                self._compute(index)
                found = self._known.get(node)
                if found is not None:
                    break
            else:
                raise KeyError(node)
        return found

    def _search_order(self) -> Iterator[int]:
        """The statement being run, then those before it (where what it calls is defined), nearest
        first, then those after it."""
        near = min(self.near, len(self.module.body) - 1)
        before = range(near, -1, -1)
        after = range(near + 1, len(self.module.body))
        for index in (*before, *after):
            if index in self._pending:
                yield index

    def _compute(self, index: int) -> None:
        self._pending.discard(index)
        lines = self._statement_lines()
        if lines is None:  # the stdlib cannot parse what libcst could: do the whole module once
            whole = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
            self._known.update(whole)
            self._pending.clear()
            return
        statement = self.module.body[index]
        alone = self.module.with_changes(body=[statement], header=(), footer=())
        relative = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        shift = lines[index] - relative[statement].start.line
        for node, where in relative.items():
            if node is not alone:
                self._known[node] = CodeRange(
                    CodePosition(where.start.line + shift, where.start.column),
                    CodePosition(where.end.line + shift, where.end.column),
                )

    def _statement_lines(self) -> list[int] | None:
        """The line each top-level statement starts on (a decorated definition: its ``def``)."""
        if self._lines is None:
            try:
                tree = ast.parse(self._source)
            except (SyntaxError, ValueError):
                return None
            found, parsed = [], iter(tree.body)
            for statement in self.module.body:
                count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
                first = next(parsed, None)
                for _ in range(count - 1):
                    next(parsed, None)
                if first is None:  # the two parsers disagree: let the caller do without
                    return None
                found.append(first.lineno)
            self._lines = found
        return self._lines
