"""Names the rewritten module would read before (or without) defining them.

The splice replaces a model's statements and keeps everything else. A statement kept outside the
model can still depend on what was replaced: ``for layer in base.layers: layer.trainable = False``
after ``base`` went into a Sequential, or ``model.add(...)`` under an ``if`` kcg could not follow,
now above the generated model. Generated code can also be wrong: a class body reading a name of
the function the model was built in. Such output would fail when run, so the conversion is
refused instead. pyflakes finds the undefined names, at module level in order and in every body.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from pyflakes.checker import Checker
from pyflakes.messages import UndefinedName

from kcodegen.frontend.python_ast import parsed


def newly_unbound(original: str, output: str) -> list[tuple[int, str, str]]:
    """(line in ``original``, name, the line's text) for each line of the output that reads a
    name nothing defines before it, where the original did not; line 0 for generated lines."""
    after = list(_undefined_reads(output))
    if not after:  # the usual case: the original need not be checked at all
        return []
    before = {(text, name) for _, name, text in _undefined_reads(original)}
    lines = original.splitlines()
    found = []
    for _, name, text in after:
        if (text, name) not in before:
            line = next((n for n, t in enumerate(lines, 1) if t.strip() == text), 0)
            found.append((line, name, text))
    return found


class _RunTimeReads(Checker):
    """pyflakes reading every call as plain code.

    pyflakes checks the strings some typing calls take (``cast("Tensor", x)``) as annotations;
    they are never evaluated, so a name missing there cannot fail a run. Asking each call whether
    it is one of those took half of the check's time on a generated model.
    """

    CALL = Checker.handleChildren


def _undefined_reads(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, name, the line's text) of every read pyflakes finds undefined."""
    lines = source.splitlines()
    try:
        messages = _RunTimeReads(parsed(source) or ast.parse(source)).messages
    except RecursionError:  # pyflakes recurses a level a term of ``t0 + t1 + ... + t999``
        messages = _RunTimeReads(_flat_operations(ast.parse(source))).messages
    for message in messages:
        if isinstance(message, UndefinedName):
            yield message.lineno, message.message_args[0], lines[message.lineno - 1].strip()


def _flat_operations(tree: ast.Module) -> ast.Module:
    """``tree`` (a copy of its own) with each chain of binary operations made a tuple of its
    operands: the same names, read in the same order, a level deep."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.BinOp):
                setattr(node, field, _operands(value))
            elif isinstance(value, list):
                value[:] = [_operands(v) if isinstance(v, ast.BinOp) else v for v in value]
        pending.extend(ast.iter_child_nodes(node))
    return tree


def _operands(chain: ast.BinOp) -> ast.Tuple:
    operands: list[ast.expr] = []
    pending: list[ast.expr] = [chain]
    while pending:  # left to right, without recursion
        node = pending.pop()
        if isinstance(node, ast.BinOp):
            pending += [node.right, node.left]
        else:
            operands.append(node)
    return ast.copy_location(ast.Tuple(elts=operands, ctx=ast.Load()), chain)
