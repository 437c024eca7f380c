"""Statements that make tensors, and the variables their tensors are bound to.

A tensor read once, by the very next statement, is ``x``: a chain reads as Keras code is written
(``x = layers.Conv2D(...)(x)``). Any other tensor gets a name of its own, from its layer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from kcodegen.saved.naming import Scope

Names = Callable[[Hashable], str]
CHAIN = "x"


@dataclass
class Statement:
    reads: list[Hashable]  # the tensors it reads, each as often as it reads it
    writes: list[Hashable]  # the tensors it makes, in output order
    render: Callable[[Names], str]  # the code right of ``=``, given the names of what it reads
    hint: str  # a name for what it makes
    # Instead of ``render``, the whole statement given the variable it binds (a loop of blocks).
    render_whole: Callable[[Names, str], str] | None = None


def bind(
    statements: Sequence[Statement],
    scope: Scope,
    names: dict[Hashable, str],
    results: Sequence[Hashable] = (),
) -> list[str]:
    """The lines of ``statements``; ``names`` holds the tensors already bound (parameters,
    inputs) and gains the rest. ``results`` are read after the last statement (outputs)."""
    uses: Counter[Hashable] = Counter(t for s in statements for t in s.reads)
    uses.update(results)
    lines = []
    for i, statement in enumerate(statements):
        following = statements[i + 1] if i + 1 < len(statements) else None
        named: Names = names.__getitem__
        target = _target(statement, following, uses, results, scope, names)
        if statement.render_whole is not None:
            lines.append(statement.render_whole(named, target))
        else:
            lines.append(f"{target} = {statement.render(named)}")
    return lines


def _target(
    statement: Statement,
    following: Statement | None,
    uses: Counter[Hashable],
    results: Sequence[Hashable],
    scope: Scope,
    names: dict[Hashable, str],
) -> str:
    if len(statement.writes) == 1:
        (tensor,) = statement.writes
        next_reads = following.reads if following is not None else list(results)
        chain = uses[tensor] == 1 and tensor in next_reads
        name = CHAIN if chain else scope.fresh(statement.hint)
        names[tensor] = name
        return name
    name = scope.fresh(statement.hint)
    for index, tensor in enumerate(statement.writes):
        names[tensor] = f"{name}[{index}]"
    return name
