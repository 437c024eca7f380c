"""The names a helper computed from its parameters, as the block class made from it writes them.

InceptionResNetV2's ``conv2d_bn`` names its batch norm ``bn_name = None if name is None else
f"{name}_bn"`` and passes ``name=bn_name``; MobileNet's block starts ``filters = int(filters *
alpha)``. The class keeps those assignments, as the helper wrote them, before the layers that
read them: in ``__init__``, or in ``build()`` where the layers are made there (its parameters are
attributes there, and its tensor's shape is ``input_shape``). ``frontend/helper_locals.py`` finds
the names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from kcodegen.codegen.conditions import in_build
from kcodegen.codegen.keys import names_in

Derived = tuple[tuple[str, str], ...]  # (name, expression), in the helper's order


def read_through(texts: Iterable[str], derived: Derived) -> tuple[tuple[str, ...], set[str]]:
    """The helper's names ``texts`` read, directly or through the expressions of others, in the
    helper's order; and every other name they all read. A parameter the helper rebinds from
    itself (``filters = int(filters * alpha)``) reads the parameter in its own expression."""
    expressions = dict(derived)
    used: set[str] = set()
    others: set[str] = set()
    pending = [(name, "") for name in names_in(texts)]
    while pending:
        name, reader = pending.pop()
        if name in expressions and name != reader:
            if name not in used:
                used.add(name)
                pending.extend((read, name) for read in names_in([expressions[name]]))
        else:
            others.add(name)
    return tuple(name for name, _ in derived if name in used), others


def assignments(
    derived: Derived, used: Iterable[str], parameters: set[str], tensor: str | None = None
) -> list[str]:
    """``name = expression`` for each of ``used``, in the helper's order; with ``tensor``, as
    ``build()`` writes them: the parameters read as attributes, the tensor's shape as
    ``input_shape``. A name assigned before shadows the parameter of the same name."""
    wanted = set(used)
    lines: list[str] = []
    assigned: set[str] = set()
    for name, expression in derived:
        if name not in wanted:
            continue
        if tensor is not None:
            expression = in_build(expression, parameters - assigned, tensor)
        lines.append(f"{name} = {expression}")
        assigned.add(name)
    return lines


def with_assignments(
    init: list[str],
    build: list[str],
    derived: Derived,
    parameters: set[str],
    tensor: str | None,
) -> tuple[list[str], list[str]]:
    """A block's ``__init__`` and ``build()`` lines, each with the helper's names it reads
    assigned first; ``__init__`` keeps as attributes the parameters ``build()`` reads."""
    kept = {f"self.{name} = {name}": name for name in parameters}
    init_used, _ = read_through(["\n".join(init)], derived)
    build_used, _ = read_through(["\n".join(build)], derived)
    if build:
        build = assignments(derived, build_used, parameters, tensor) + build
    code = "\n".join(build)
    attributes = [  # first: before an assignment rebinds the parameter
        line
        for line, name in sorted(kept.items(), key=lambda item: item[1])
        if line in init or _reads_attribute(code, name)
    ]
    init = [line for line in init if line not in kept]
    return attributes + assignments(derived, init_used, parameters) + init, build


def _reads_attribute(code: str, name: str) -> bool:
    """Whether ``code`` reads ``self.<name>``."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return f"self.{name}" in code
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == name
        and isinstance(node.ctx, ast.Load)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        for node in ast.walk(tree)
    )
