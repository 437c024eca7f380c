"""Names the rewritten module would read before (or without) defining them.

The splice replaces a model's statements and keeps everything else. A statement kept outside the
model can still depend on what was replaced: ``for layer in base.layers: layer.trainable = False``
after ``base`` went into a Sequential, or ``model.add(...)`` under an ``if`` kcg could not follow,
now above the generated model. Such output would fail when run, so the conversion is refused
instead. Module-level code is checked in order; function bodies run later and are not.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator

_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__", "__doc__"}


def newly_unbound(original: str, output: str) -> list[tuple[int, str, str]]:
    """(line in ``original``, name, statement's first line) for each kept module-level statement
    that reads a name the output no longer binds before it, where the original did."""
    before = {(text, name) for _, name, text in _unbound_reads(original)}
    lines = original.splitlines()
    found = []
    for _, name, text in _unbound_reads(output):
        if (text, name) not in before:
            line = next((n for n, t in enumerate(lines, 1) if t.strip() == text), 0)
            found.append((line, name, text))
    return found


def _unbound_reads(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, name, first line) of reads of names not bound by earlier module-level statements."""
    lines = source.splitlines()
    bound: set[str] = set(_BUILTINS)
    for statement in ast.parse(source).body:
        stored = _stores(statement)
        for node in _reads(statement):
            if node.id not in bound and node.id not in stored:
                yield node.lineno, node.id, lines[statement.lineno - 1].strip()
        bound |= stored


def _reads(node: ast.AST) -> Iterator[ast.Name]:
    """Names read when the statement runs: not inside the functions it defines."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            if not isinstance(child, ast.Lambda):
                for decorator in child.decorator_list:
                    yield from _reads_in(decorator)
            continue
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
            yield child
        yield from _reads(child)


def _reads_in(node: ast.AST) -> Iterator[ast.Name]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        yield node
    yield from _reads(node)


def _stores(statement: ast.stmt) -> set[str]:
    """Names the statement binds (assignments, loop targets, imports, definitions)."""
    names: set[str] = set()
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        names.add(statement.name)
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names
