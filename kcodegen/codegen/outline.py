"""Fold helper calls back into blocks, so that Subclassing output writes a helper called several
times as one ``Layer`` class instead of pasting its layers once per call.

The frontend inlines helpers and marks every step and layer with the Invocation that made it. A
helper folds when each of its calls makes the same steps from the same code: layers of the same
classes written with the same text (the helper's own parameter names, or equal values), wired the
same way, taking tensors only through its parameters and giving exactly one back. Each call then
becomes one layer of the caller (``self.conv_bn_2 = ConvBn(32, strides=2)``), and the steps of one
call become the graph of the class. Helpers called inside helpers fold first, so a block may hold
blocks. Calls may differ in the ``if``s of the helper's body they took (a shortcut projected only
where the shape changes): the class keeps such an ``if`` (``conditions``). Where an
``if``/``elif`` chain picks what the helper builds, the calls that took the same branches fold
into a class of their own (``_kind``). Calls holding different classes of a helper they call
fold into one class taking that class (``passed_by_calls``); where only some calls were given a
tensor for a parameter, those fold apart. A helper whose calls differ otherwise stays inlined,
written as before; the blocks it calls still fold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from kcodegen.codegen.block_calls import (
    Call,
    constructor,
    made_through,
    read_call,
    with_tensors_renamed,
)
from kcodegen.codegen.block_names import block_class_name
from kcodegen.codegen.block_sites import replace_call
from kcodegen.codegen.composite import composite
from kcodegen.codegen.conditions import (
    BlockCondition,
    alike,
    class_test,
)
from kcodegen.codegen.helper_locals import read_through
from kcodegen.codegen.keys import names_in
from kcodegen.codegen.passed_by_calls import alike_calls, chosen_classes, given_by_calls
from kcodegen.codegen.passed_classes import defaults, passed_classes
from kcodegen.ir import (
    ArgScope,
    ArgumentText,
    Condition,
    InputSpec,
    Invocation,
    ModelGraph,
    Node,
    Op,
    Site,
    Structure,
    Tensor,
)

# Parameters a Layer's __init__ cannot take under the helper's name. (``name`` it can: the
# helper's ``name`` becomes the block's own.)
_RESERVED = frozenset({"self", "kwargs", "trainable", "dtype", "training"})


@dataclass(frozen=True)
class Block:
    """A helper written as a Layer class: the graph of one call, and what its __init__ takes."""

    class_name: str
    graph: ModelGraph  # the helper's tensor parameters are its inputs; its site is the helper
    parameters: tuple[str, ...]  # the helper's other parameters as written: "strides=1"
    local: frozenset[str]  # ids of the layers written with the helper's parameter names
    # the helper's parameters nothing of the class reads (ConvNeXt's ``drop_path_rate``, read
    # only by the test of an ``if`` every call took alike): neither the class nor its calls
    # write them
    unread: frozenset[str]
    conditions: tuple[BlockCondition, ...] = ()
    built: bool = False  # a layer reads the input's shape: all are made in build(), in order
    derived: tuple[tuple[str, str], ...] = ()  # the helper's names its layers may read
    # Parameters only the tests of its ``if``/``elif`` chains read: the class is the branch they
    # chose, and neither takes them nor is passed them (``BlockWide(8)``, not ``Block(8, "wide")``)
    deciding: frozenset[str] = frozenset()


def outline(graph: ModelGraph, taken: set[str]) -> tuple[ModelGraph, list[Block]]:
    """``graph`` with every foldable helper call as one call of a block layer, and the blocks.

    Class names are added to ``taken``.
    """
    blocks: list[Block] = []
    classes: dict[str, str] = {}  # helper -> the class it folded into (the last, for a chain)
    kinds = list(dict.fromkeys(_kind(call) for call in graph.invocations))
    decided: set[tuple] = set()
    while True:
        calls = {call.id: call for call in graph.invocations}
        ready = [
            kind
            for kind in kinds
            if kind not in decided
            and all(
                _kind(calls[child]) in decided
                for call in graph.invocations
                if _kind(call) == kind
                for child in _children(graph, call.id)
            )
        ]
        if not ready:
            return graph, blocks
        for kind in ready:
            decided.add(kind)
            siblings = [other for other in kinds if other[0] == kind[0]]
            ordinal = siblings.index(kind) + 1 if len(siblings) > 1 else 0
            its_calls = [c for c in graph.invocations if _kind(c) == kind]
            made = {block.class_name for block in blocks}
            graph, new = _fold_kind(graph, its_calls, taken, classes, made, ordinal)
            blocks += new
            if new:
                classes[kind[0]] = new[-1].class_name


def _fold_kind(
    graph: ModelGraph,
    calls: list[Invocation],
    taken: set[str],
    classes: dict[str, str],
    made: set[str],
    ordinal: int,
) -> tuple[ModelGraph, list[Block]]:
    """The graph with the calls folded into one class, or where they do not, each group of them
    given tensors for the same parameters into one (NASNet's cells but the first, given
    ``p=None``); and the classes."""
    folded = _fold(graph, calls, taken, classes, made, ordinal)
    if folded is not None:
        return folded[0], [folded[1]]
    found = []
    for group in alike_calls(calls):
        folded = _fold(graph, group, taken, classes, made, ordinal)
        if folded is not None:
            graph, block = folded
            found.append(block)
    return graph, found


def _kind(call: Invocation) -> tuple:
    """What one class may stand for: the calls of a helper that took the same branches of its
    ``if``/``elif`` chains."""
    return call.function, tuple((line, taken) for line, _, taken in call.arms)


def _children(graph: ModelGraph, call_id: str) -> list[str]:
    """The helper calls made inside the call, under its ``if``s and loops too (MobileNetV3's
    ``_se_block``, called where ``se_ratio`` is set): they fold first."""
    return [
        call.id
        for call in graph.invocations
        if call.id != call_id and graph.made_inside(call.parent, call_id)
    ]


def _fold(
    graph: ModelGraph,
    invocations: list[Invocation],
    taken: set[str],
    classes: dict[str, str],
    made: set[str],
    ordinal: int = 0,
) -> tuple[ModelGraph, Block] | None:
    """The graph with the helper's calls folded, and its block; None when one class cannot
    stand for every call. The class is written from the call that took every ``if``, or where no
    call did, stitched from several (``composite``). ``ordinal`` (from 1) tells the classes of
    a helper whose calls took other branches of its chains apart where no string does."""
    first = invocations[0]
    if len(invocations) < 2 or first.parameters is None or first.branches:
        return None
    if any(name in _RESERVED for name, _ in first.parameters):
        return None
    if any(a.reads_tensor for invocation in invocations for a in invocation.arguments):
        return None  # an argument only a tensor gives: no ``__init__`` can take it
    calls = [read_call(graph, invocation) for invocation in invocations]
    if any(call is None for call in calls):
        return None
    checked = [call for call in calls if call is not None]
    if any(set(call.branches) != set(checked[0].branches) for call in checked):
        return None
    given_classes = passed_classes(checked, classes)
    if given_classes is None:
        return None
    checked, decided = _without_untaken(checked)
    checked, given, passed = given_by_calls(graph, checked, _RESERVED)
    own = {name for name, _ in first.parameters} | {name for name, _ in first.derived}
    own |= {p for by in given.values() for p in by.values()} | _RESERVED
    checked, chosen, chose = chosen_classes(graph, checked, made, own)
    fullest = next((c for c in checked if all(b is not None for b in c.branches.values())), None)
    if fullest is None:
        stitched = composite(graph, checked)
        if stitched is None:
            return None
        fullest, read_instead = stitched
    else:
        otherwise: dict[int, object] = {}
        for call in checked:
            for line, branch in call.branches.items():
                if branch is not None and not alike(fullest.branches[line], branch, otherwise):
                    return None
            if not alike(fullest.key, call.key, otherwise):
                return None
        read_instead = {line: fullest.refs[r] for line, r in otherwise.items()}
    block = _block(graph, fullest, "", read_instead, given, chosen)
    if block is None or not _honest(block, first, decided):
        return None
    name = block_class_name(first, taken, ordinal)
    parameters = defaults(block.parameters, given_classes[first.id], classes)
    graph_named = replace(block.graph, class_name=name)
    block = replace(block, class_name=name, graph=graph_named, parameters=parameters)
    unwritten = block.unread | block.deciding  # parameters the calls no longer pass
    for call in checked:
        invocation = call.invocation
        passed_here = passed.get(invocation.id, ()) + chose.get(invocation.id, ())
        given_here = given_classes[invocation.id]
        graph = replace_call(graph, call, name, passed_here, given_here, unwritten)
    return graph, block


def _honest(block: Block, invocation: Invocation, decided: set[str]) -> bool:
    """Whether the class takes no argument it would ignore: each parameter nothing of it reads
    is one only the tests of ``if``s it does not write read (``decided``: those no call took;
    and the tests of ``if``s that pick what a call builds, which the class writes one way,
    ``syntax.picking_if``), and none of those picking tests reads a parameter it does take:
    ``MaybeDense(units)`` that builds ``Dense(units)`` as every call did would ignore ``units >
    4``."""
    _, picked = read_through(invocation.picks, invocation.derived)
    if block.unread - decided - picked:
        return False  # a class that ignored an argument would build what its caller did not ask
    taken = {name for name, _ in invocation.parameters or ()} - block.unread - block.deciding
    return not picked & (taken - set(invocation.tensor_parameters))


def _without_untaken(calls: list[Call]) -> tuple[list[Call], set[str]]:
    """The calls without the ``if``s none of them took (ConvNeXt's ``if name is None: name =
    ...`` where each call gives a name), and the parameters their tests read: a class made with
    a call's arguments skips them too, as the call did, so it need not write them."""
    untaken = {line for line in calls[0].branches if all(c.branches[line] is None for c in calls)}
    if not untaken:
        return calls, set()
    read = {name for c in calls[0].invocation.conditions if c.line in untaken for name in c.names}
    return [
        replace(
            call,
            invocation=replace(
                call.invocation,
                conditions=tuple(c for c in call.invocation.conditions if c.line not in untaken),
            ),
            branches={line: b for line, b in call.branches.items() if line not in untaken},
        )
        for call in calls
    ], read


def _not_taken(
    graph: ModelGraph, call: Call, line: int, seen: dict[int, str], given: dict[int, str]
) -> str | None:
    """What the ``if`` at ``line`` gives when not taken: the tensor its body rebinds
    (``_rebound_input``), or what calls that did not take it read instead (``seen``). Where an
    earlier ``if``'s result is rebound, those calls may have skipped that ``if`` too: they agree
    only if they read what it gives when not taken (``given``)."""
    rebound = _rebound_input(graph, call, line)
    recorded = seen.get(line)
    if rebound is None or recorded is None or recorded == rebound:
        return rebound or recorded
    earlier = next((at for at, result in call.results.items() if result == rebound), None)
    return rebound if earlier is not None and given.get(earlier) == recorded else None


def _rebound_input(graph: ModelGraph, call: Call, line: int) -> str | None:
    """What an ``if`` that every call took or none did gives when not taken, where its body
    rebinds a variable (``x = layers.BatchNormalization()(x)``): what that variable held when
    the ``if`` started, as the interpreter saw it."""
    condition = next(c for c in call.invocation.conditions if c.line == line)
    hint = graph.tensor_by_id[call.results[line]].name_hint
    held = dict(condition.held).get(hint or "")
    in_call = set(call.tensors.values()) | {t for step in call.steps for t in step.outputs}
    return held if held in in_call else None  # not one the graph has: a layer nothing reads


# --- the block's own graph ------------------------------------------------------------------------
def _block(
    graph: ModelGraph,
    call: Call,
    class_name: str,
    otherwise: dict[int, str],
    by_calls: dict[str, dict[str, str]] | None = None,
    chosen: dict[str, tuple[str, str]] | None = None,
) -> Block | None:
    """The class's graph (``call``'s steps, its tensor parameters as inputs), or None when an
    ``if`` of it cannot be written in the class."""
    invocation = call.invocation
    inputs = {tensor: f"{invocation.id}:{name}" for name, tensor in call.tensors.items()}
    specs = tuple(
        InputSpec(f"{invocation.id}:i:{name}", name, inputs[tensor], None, None)
        for name, tensor in call.tensors.items()
    )
    tensors = [Tensor(spec.tensor, spec.id, 0, spec.name) for spec in specs]
    tensors += [graph.tensor_by_id[t] for step in call.steps for t in step.outputs]
    nodes = tuple(with_tensors_renamed(s, inputs) for s in call.steps if isinstance(s, Node))
    ops = tuple(with_tensors_renamed(s, inputs) for s in call.steps if isinstance(s, Op))
    kind: Literal["single", "tuple"] = "single" if len(specs) == 1 else "tuple"
    by_calls = by_calls or {}  # layer id -> keyword -> the parameter each call passes
    passed = sorted({p for by in by_calls.values() for p in by.values()})
    parameters = {name for name, _ in invocation.parameters or ()} - set(call.tensors)
    parameters |= set(passed)
    local: set[str] = set()
    renamed: dict[str, str] = {}  # layer id -> the attribute name it gets
    read = {"name"}  # a ``name`` parameter is the block's own name
    texts: dict[str, ArgumentText] = {}  # the arguments the class writes, where it keeps text
    through_parameter = {
        layer.id: parameter
        for layer in call.layers
        if (parameter := made_through(layer, invocation.function)) is not None
    }
    chosen = chosen or {}  # layer id -> the parameter giving its class, and its default
    through_parameter.update({layer: parameter for layer, (parameter, _) in chosen.items()})
    read |= set(through_parameter.values())  # ``self.activation = activation()``
    for layer in call.layers:
        args, kwargs, kept = constructor(layer, invocation, parameters - set(invocation.rebound))
        if layer.id in by_calls:  # what each call passes
            kwargs = tuple((k, by_calls[layer.id].get(k, v)) for k, v in kwargs)
            kept = True
        if kept:
            local.add(layer.id)
            read |= names_in([*args, *(v for _, v in kwargs)])
            texts[layer.id] = ArgumentText(ArgScope.FUNCTION, args, kwargs)
    conditions = []
    given: dict[int, str] = {}  # per ``if``: what it gives when not taken
    first = next(iter(call.tensors), None)
    _, through = read_through(read, invocation.derived)  # what the helper's own names read
    read |= through
    own = frozenset(name for name, _ in invocation.derived)
    for condition in invocation.conditions:
        test = class_test(_reading_locals(condition, invocation), parameters, first, own)
        if test is None:
            return None
        steps = call.conditional[condition.line]
        made = {step.layer for step in call.steps if step.id in steps and isinstance(step, Node)}
        if not made or not made <= local:
            return None  # nothing to decide, or a layer written with the values of one call
        read |= set(condition.names)
        tensor = _not_taken(graph, call, condition.line, otherwise, given)
        if tensor is None:
            return None  # what the class reads when it does not take it is unknown
        given[condition.line] = tensor
        result = graph.tensor_by_id[call.results[condition.line]].name_hint
        elsewhere = {  # the variable's other values: ``x`` names the flow, not this layer
            graph.tensor_by_id[t].name_hint
            for step in call.steps
            if step.id not in steps
            for t in step.outputs
        }
        if len(made) == 1 and result and result not in {*call.tensors, *elsewhere}:
            (only,) = made
            renamed[only] = result  # self.shortcut
        conditions.append(
            BlockCondition(
                test[0],
                test[1],
                tuple(steps),
                tuple(layer.id for layer in call.layers if layer.id in made),
                call.results[condition.line],
                inputs.get(tensor, tensor),
            )
        )
    deciding = frozenset(names_in([test for _, test, _ in invocation.arms]) & parameters - read)
    parameters -= deciding
    block_graph = ModelGraph(
        name=invocation.function,
        keras_name=None,
        style="functional",
        inputs=specs,
        input_structure=Structure(kind, tuple(spec.tensor for spec in specs)),
        output_structure=Structure("single", invocation.returned),
        layers=tuple(
            replace(
                layer,
                callee=through_parameter.get(layer.id, layer.callee),
                name=None if layer.id in local else layer.name,
                var_name=renamed.get(layer.id, through_parameter.get(layer.id, layer.var_name)),
                arguments=_with_text(layer.arguments, texts.get(layer.id)),
            )
            for layer in call.layers
        ),  # ``name=f"{name}_conv"`` names each call's layer, not the class's attribute
        nodes=nodes,  # type: ignore[arg-type]
        ops=ops,  # type: ignore[arg-type]
        tensors=tuple(tensors),
        site=Site(invocation.function, (), None),
        span=invocation.span,
        class_name=class_name,
        # the helper calls inside it that stay written out: their comments are not the block's
        invocations=tuple(
            c for c in graph.invocations if graph.made_inside(c.parent, invocation.id)
        ),
    )
    unread = parameters - read
    taken = [
        (name, default)
        for name, default in invocation.parameters or ()
        if name not in {*call.tensors, *unread, *deciding}
    ]
    written = [
        name if default is None else f"{name}={default}"
        for name, default in taken
        if name not in invocation.keyword_only
    ]
    keyword_only = [
        name if default is None else f"{name}={default}"
        for name, default in taken
        if name in invocation.keyword_only
    ]
    written += [f"{name}=None" for name in passed]
    written += [f"{name}={default}" for name, default in dict(chosen.values()).items()]
    if keyword_only:  # ``def block(x, *, units=8)`` takes its configuration by keyword only
        written += ["*", *keyword_only]
    return Block(
        class_name,
        block_graph,
        tuple(written),
        frozenset(local),
        frozenset(unread),
        tuple(conditions),
        # a layer that reads the input's shape: the class makes its layers in build()
        built=len(call.tensors) == 1
        and any(
            first in read_through([*t.args, *(v for _, v in t.kwargs)], invocation.derived)[1]
            for t in texts.values()
        ),
        derived=invocation.derived,
        deciding=deciding,
    )


def _reading_locals(condition: Condition, invocation: Invocation) -> Condition:
    """The ``if`` as a class reads it where its test reads names the helper computed from its
    parameters and its tensor's shape (``channels == filters``): it reads what they read, and
    the class assigns them first."""
    if not condition.reads_locals:
        return condition
    derived = dict(invocation.derived)
    used, reads = read_through([condition.test], invocation.derived)
    own = {name for name, _ in invocation.parameters or ()}
    modules = names_in(derived.values()) - own - derived.keys()
    if not used or not reads - modules <= own:
        return condition
    return replace(condition, reads_locals=False, names=tuple(sorted((reads - modules) & own)))


def _with_text(
    arguments: tuple[ArgumentText, ...], text: ArgumentText | None
) -> tuple[ArgumentText, ...]:
    """The layer's argument texts with ``text`` for the scope it is written in."""
    if text is None:
        return arguments
    return tuple(text if a.scope == text.scope else a for a in arguments)
