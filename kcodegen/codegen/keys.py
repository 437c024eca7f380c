"""Small shared readings of the IR for code generation: which names a text reads, and an
argument's shape with its tensors as references local to a block or loop pass."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from kcodegen.ir import Arg, Mapping_, Seq, TensorRef


def names_in(texts: Iterable[str]) -> set[str]:
    """The variable names the expressions (or statements) read (``filters * 2`` -> ``filters``)."""
    found: set[str] = set()
    for text in texts:
        try:
            tree: ast.AST = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
        found.update(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
    return found


def arg_key(arg: Arg, local: Mapping[str, object]) -> object:
    """An argument with each tensor as what ``local`` calls it, so that two calls compare equal
    when they pass the same things in the same places."""
    if isinstance(arg, TensorRef):
        return local[arg.tensor]
    if isinstance(arg, Seq):
        return (arg.kind, tuple(arg_key(a, local) for a in arg.items))
    if isinstance(arg, Mapping_):
        return ("map", tuple((k, arg_key(a, local)) for k, a in arg.items))
    return arg
