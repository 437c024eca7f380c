"""The ``if``s of a helper that some calls take: how calls that differ only there are one block.

A call that took an ``if`` made steps under it (``within`` names the ``Condition``); one that did
not, made the rest alike but reads another tensor where the other reads what the ``if`` made
(``shortcut = x`` before ``if ...: shortcut = conv_bn(x, ...)``). Keys of what calls make mark
that result as ``("phi", line)``; comparing a call that skipped the ``if`` with one that took it
finds what the class reads when the test does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from kcodegen.codegen.keys import names_in
from kcodegen.codegen.naming import KERAS_LAYER_ATTRIBUTES
from kcodegen.ir import Condition, ModelGraph


@dataclass(frozen=True)
class BlockCondition:
    """An ``if`` of the helper that some calls took: what it makes exists only when it holds.

    The class decides it once, where it creates layers: in ``build()`` when the test reads the
    input's shape (rewritten to ``input_shape`` and ``self.<parameter>``), else in ``__init__``.
    """

    test: str  # as the class writes it
    in_build: bool
    steps: tuple[str, ...]  # step ids of the block graph made under it, in order
    layers: tuple[str, ...]  # layer ids made under it
    result: str  # the tensor it rebinds (``shortcut``), read after it
    otherwise: str  # the tensor read instead when the test does not hold (``x``)


def condition_line(
    graph: ModelGraph, within: str | None, call: str, lines: dict[str, int]
) -> int | None:
    """The line of the call's ``if`` that made something, or None when no ``if`` of it did."""
    while within is not None and within != call:
        if within in lines:
            return lines[within]
        within = graph.parents.get(within)
    return None


def if_result(graph: ModelGraph, steps: list[str], members: set[str], returned: str) -> str | None:
    """The one tensor an ``if``'s body makes that the rest of the call reads."""
    inside = set(steps)
    read = {
        tensor
        for step in steps
        for tensor in graph.step_by_id[step].outputs  # type: ignore[union-attr]
        if tensor == returned or set(graph.consumers[tensor]) & (members - inside)
    }
    return read.pop() if len(read) == 1 else None


def as_phi(entry: object, ref: tuple, line: int) -> object:
    """``entry`` with references to ``ref`` (an ``if``'s result) as ``("phi", line)``."""
    if entry == ref:
        return ("phi", line)
    if isinstance(entry, tuple):
        return tuple(as_phi(item, ref, line) for item in entry)
    return entry


def alike(fullest: object, other: object, otherwise: dict[int, object]) -> bool:
    """Whether a call makes what ``fullest`` makes outside its ``if``s; where ``fullest`` reads an
    ``if``'s result, a call that did not take it reads what it had (recorded in ``otherwise``)."""
    if isinstance(fullest, tuple) and len(fullest) == 2 and fullest[0] == "phi":
        if other == fullest:
            return True
        return otherwise.setdefault(fullest[1], other) == other
    if isinstance(fullest, tuple) and isinstance(other, tuple) and len(fullest) == len(other):
        return all(alike(a, b, otherwise) for a, b in zip(fullest, other, strict=True))
    return fullest == other


def class_test(
    condition: Condition,
    parameters: set[str],
    first: str | None,
    shadowed: frozenset[str] = frozenset(),
) -> tuple[str, bool] | None:
    """The ``if``'s test as the class writes it, and whether it goes in ``build()``: there the
    first tensor parameter's ``x.shape`` is ``input_shape`` and the parameters are attributes.
    None when it reads something else of the helper (a local, another tensor). Names in
    ``shadowed`` are the helper's own, which the class assigns: they stay names."""
    names = set(condition.names)
    if condition.reads_locals or not names <= parameters | {first}:
        return None
    if (names - {first}) & KERAS_LAYER_ATTRIBUTES:
        return None  # self.<name> would be Keras's own attribute (the tensor is input_shape)
    if first not in names:
        return condition.test, False
    try:
        expression = cst.parse_expression(condition.test)
    except cst.ParserSyntaxError:
        return None
    rewritten = expression.visit(_InBuild(first, parameters - shadowed))  # type: ignore[arg-type]
    assert isinstance(rewritten, cst.BaseExpression), "names are replaced, never removed"
    text = cst.Module(body=[]).code_for_node(rewritten)
    if first in names_in([text]):
        return None  # the tensor itself, not only its shape
    return text, True


class _InBuild(cst.CSTTransformer):
    """``x.shape`` -> ``input_shape``, ``filters`` -> ``self.filters``."""

    def __init__(self, tensor: str, parameters: set[str]) -> None:
        self.tensor = tensor
        self.parameters = parameters

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        value = original.value
        if (
            isinstance(value, cst.Name)
            and value.value == self.tensor
            and original.attr.value == "shape"
        ):
            return cst.Name("input_shape")
        return updated.with_changes(attr=original.attr)  # x.filters stays an attribute name

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if original.value in self.parameters:
            return cst.Attribute(cst.Name("self"), cst.Name(original.value))
        return updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)  # strides=..., not self.strides=


def in_build(text: str, parameters: set[str], tensor: str | None = None) -> str:
    """A constructor argument written in ``build()``: the parameters are attributes there, and
    the block's tensor's shape is ``input_shape``."""
    try:
        expression = cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return text
    rewritten = expression.visit(_InBuild(tensor or "", parameters))
    assert isinstance(rewritten, cst.BaseExpression), "names are replaced, never removed"
    return cst.Module(body=[]).code_for_node(rewritten)
