"""The caller's graph once a helper call folds: the call is one layer of the block class, made
with the call's arguments, and one node that calls it, where the steps it made were."""

from __future__ import annotations

import ast
from dataclasses import replace

from kcodegen.codegen.block_calls import Call
from kcodegen.codegen.passed_classes import Passed, through, with_classes
from kcodegen.ir import (
    ArgScope,
    ArgumentText,
    CallArgument,
    LayerSpec,
    ModelGraph,
    Node,
    TensorRef,
)


def _argument_texts(written: list[CallArgument]) -> tuple[ArgumentText, ...]:
    """A helper call's arguments (its tensors aside) in each scope whose text is known for all."""
    found = []
    for scope, texts in (
        (ArgScope.MODULE, [a.text for a in written]),
        (ArgScope.FUNCTION, [a.local_text for a in written]),
        (ArgScope.LOOP, [a.source_text for a in written]),
    ):
        pairs = [(a.keyword, t) for a, t in zip(written, texts, strict=True) if t is not None]
        if len(pairs) == len(written):
            positional = tuple(t for keyword, t in pairs if keyword is None)
            keywords = tuple((keyword, t) for keyword, t in pairs if keyword is not None)
            found.append(ArgumentText(scope, positional, keywords))
    return tuple(found)


def replace_call(
    graph: ModelGraph,
    call: Call,
    class_name: str,
    passed: tuple[tuple[str, str], ...],
    classes: Passed,
    unwritten: frozenset[str] = frozenset(),
) -> ModelGraph:
    """``graph`` with the call as one layer of ``class_name`` and one node calling it, in the
    place of the steps and layers it made; its arguments those it was given (``classes`` for
    helpers it was passed, ``passed`` added), but the parameters in ``unwritten``."""
    invocation = call.invocation
    calls = {call.id: call for call in graph.invocations}
    within = invocation.parent  # through the ``if`` or loop pass it ran in, to the call
    while within is not None and within not in calls:
        within = graph.parents.get(within)
    parent = calls.get(within) if within is not None else None
    order = [name for name, _ in invocation.parameters or ()]
    written = [
        a
        for index, a in enumerate(with_classes(invocation, classes))
        if a.tensor is None
        and (a.keyword or (order[index] if index < len(order) else None)) not in unwritten
    ]
    written += [CallArgument(keyword, value, value, None) for keyword, value in passed]
    named = next((a.text for a in written if a.keyword == "name"), None)
    name_literal = _string(named) if named is not None else None
    layer = LayerSpec(
        f"{invocation.id}:layer",
        class_name,
        class_name,
        _argument_texts(written),
        None if name_literal else invocation.function,  # ``name="down0"`` names the attribute
        name_literal,
        invocation.span,
        scope=parent.function if parent is not None else graph.site.function,
        within=invocation.parent,
        through=through(invocation, parent),
    )
    returned = invocation.returned[0]
    name = invocation.result_name
    node = Node(
        f"{invocation.id}:call",
        layer.id,
        tuple(TensorRef(t) for t in call.tensors.values()),
        (),
        (returned,),
        invocation.span,
        invocation.comments,
        invocation.trailing_comment,
        within=invocation.parent,
    )
    removed = {step.id for step in call.steps} | {layer.id for layer in call.layers}
    internal = {t for step in call.steps for t in step.outputs} - {returned}
    return replace(
        graph,
        layers=_spliced(graph.layers, removed, layer),
        nodes=_spliced(graph.nodes, removed, node),
        ops=tuple(op for op in graph.ops if op.id not in removed),
        tensors=tuple(
            replace(t, producer=node.id, index=0, name_hint=name or t.name_hint)
            if t.id == returned
            else t
            for t in graph.tensors
            if t.id not in internal
        ),
        invocations=tuple(c for c in graph.invocations if c.id != invocation.id),
    )


def _string(text: str) -> str | None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _spliced(items: tuple, removed: set[str], new: object) -> tuple:
    """``items`` without ``removed``, with ``new`` where the first removed one was (source order)."""
    kept: list = []
    placed = False
    for item in items:
        if item.id in removed:
            if not placed:
                kept.append(new)
                placed = True
            continue
        kept.append(item)
    return tuple(kept) if placed else (*kept, new)
