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
    for message in _RunTimeReads(parsed(source) or ast.parse(source)).messages:
        if isinstance(message, UndefinedName):
            yield message.lineno, message.message_args[0], lines[message.lineno - 1].strip()
