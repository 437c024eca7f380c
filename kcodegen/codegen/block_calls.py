"""One helper call's part of the graph, read as a block: its steps, the layers it owns, the
tensors it takes and gives, and a key of what it makes that is independent of which call it is
(``outline`` compares the keys of a helper's calls to decide whether one class stands for all)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kcodegen.codegen.conditions import as_phi, condition_line, if_result, in_build
from kcodegen.codegen.helper_locals import read_through
from kcodegen.codegen.keys import arg_key, names_in
from kcodegen.ir import (
    Arg,
    ArgScope,
    InputSpec,
    Invocation,
    LayerSpec,
    Mapping_,
    ModelGraph,
    Node,
    Op,
    Seq,
    TensorRef,
)


@dataclass
class Call:
    """One call's part of the graph, checked to be a block."""

    invocation: Invocation
    steps: list[Node | Op]
    layers: list[LayerSpec]
    tensors: dict[str, str]  # tensor parameter -> the tensor the call passed
    key: tuple  # what the call makes outside its ``if``s, independent of which call it is
    # per ``if`` line: what its body makes (None when the call did not take it), the tensor read
    # after it, and the step ids made under it
    branches: dict[int, tuple | None]
    results: dict[int, str]
    conditional: dict[int, list[str]]
    refs: dict[object, str]  # what ``key`` calls a tensor -> the tensor
    # step id -> the ``if`` line it was made under (None: outside them) and its entry's index in
    # that part of the key
    entries: dict[str, tuple[int | None, int]]


def read_call(graph: ModelGraph, invocation: Invocation) -> Call | None:
    """The call's steps and layers, or None when they are not a block of their own."""

    def inside(within: str | None) -> bool:
        return graph.made_inside(within, invocation.id)

    steps = [graph.step_by_id[s] for s in graph.order if inside(within_of(graph.step_by_id[s]))]
    members: list[Node | Op] = [s for s in steps if not isinstance(s, InputSpec)]
    tensors = tensor_arguments(invocation)
    if tensors is None or len(set(tensors.values())) != len(tensors) or not members:
        return None
    parameters = {name for name, _ in invocation.parameters or ()} - set(tensors)
    lines = {condition.id: condition.line for condition in invocation.conditions}
    local: dict[str, tuple] = {tensor: ("parameter", name) for name, tensor in tensors.items()}
    layers: dict[str, LayerSpec] = {}
    numbered: dict[int | None, list[str]] = {}  # layer ids, by the ``if`` that made them
    keys: dict[int | None, list[object]] = {None: [tuple(tensors)]}
    keys.update({c.line: [] for c in invocation.conditions if c.taken})
    conditional: dict[int, list[str]] = {line: [] for line in keys if line is not None}
    entries: dict[str, tuple[int | None, int]] = {}
    for step in members:
        line = condition_line(graph, step.within, invocation.id, lines)
        key = keys[line]
        if any(t not in local for t in graph.step_inputs(step)):
            return None  # it reads a tensor of its caller that no parameter passed
        if isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
            if layer.id not in layers:
                if layer.is_model or not inside(layer.within):
                    return None  # a layer of the caller's, or a model: not the block's to own
                if any(not inside(node.within) for node in graph.nodes_of(layer.id)):
                    return None  # the caller calls it too
                layers[layer.id] = layer
                numbered.setdefault(line, []).append(layer.id)
                through = made_through(layer, invocation.function)
                key.append(
                    (
                        "layer",
                        ("parameter", through) if through else layer.cls,
                        *constructor(layer, invocation, parameters - set(invocation.rebound)),
                    )
                )
            if layer.id not in numbered.get(line, ()):
                return None  # a layer made under an ``if`` and called outside it, or the reverse
            key.append(
                (
                    "call",
                    numbered[line].index(layer.id),
                    tuple(arg_key(a, local) for a in step.args),
                    tuple((k, arg_key(a, local)) for k, a in step.kwargs),
                )
            )
        else:
            key.append(("op", step.template, tuple(local[t] for t in step.inputs)))
        entries[step.id] = (line, len(key) - 1)
        if line is not None:
            conditional[line].append(step.id)
        for position, tensor in enumerate(step.outputs):
            local[tensor] = ("step", line, len(key) - 1, position)
    made = {t for step in members for t in step.outputs}
    ids = {step.id for step in members}
    returned = made_returned(invocation, made, set(tensors.values()))
    if returned is None:
        return None
    for tensor in made - {returned}:
        if tensor in graph.output_structure.tensors or set(graph.consumers[tensor]) - ids:
            return None  # the caller reads a tensor the call does not return
    keys[None].append(("returns", local[returned]))
    invocation = replace(invocation, returned=(returned,))  # the class gives what it made
    results: dict[int, str] = {}
    for line, made_under in conditional.items():
        result = if_result(graph, made_under, ids, returned)
        if result is None:
            return None
        results[line] = result
        local_result = local[result]
        for reader in keys:  # the rest of the call, and later ``if``s, read it as the if's
            if reader != line:
                keys[reader] = [as_phi(entry, local_result, line) for entry in keys[reader]]
    branches = {c.line: tuple(keys[c.line]) if c.taken else None for c in invocation.conditions}
    return Call(
        invocation,
        members,
        list(layers.values()),
        tensors,
        tuple(keys[None]),
        branches,
        results,
        conditional,
        {ref: tensor for tensor, ref in local.items()},
        entries,
    )


def made_returned(invocation: Invocation, made: set[str], passed: set[str]) -> str | None:
    """The one tensor the call made among those it returned, or None. The others must be tensors
    it was passed, given back unchanged (NASNet's cells ``return x, ip``): the caller reads
    those as it did, so the class returns only what it made."""
    returned = invocation.returned
    new = [tensor for tensor in returned if tensor in made]
    if len(new) != 1 or not set(returned) - {new[0]} <= passed:
        return None
    return new[0]


def made_through(layer: LayerSpec, function: str) -> str | None:
    """The parameter of ``function`` the layer was made through (``activation(x)``), if it was:
    what each call passes there, not the layer's class, is what its block class makes."""
    return layer.through if layer.scope == function else None


def within_of(step: Node | Op | InputSpec) -> str | None:
    return None if isinstance(step, InputSpec) else step.within


def tensor_arguments(invocation: Invocation) -> dict[str, str] | None:
    """Tensor parameter -> the tensor the call passed; None if a tensor went where we cannot say."""
    names = [name for name, _ in invocation.parameters or ()]
    found: dict[str, str] = {}
    for position, argument in enumerate(invocation.arguments):
        if argument.tensor is None:
            continue
        name = argument.keyword or (names[position] if position < len(names) else None)
        if name is None:
            return None
        found[name] = argument.tensor
    ordered = {name: found[name] for name in names if name in found}
    return ordered if set(ordered) == set(invocation.tensor_parameters) else None


def constructor(
    layer: LayerSpec, invocation: Invocation, parameters: set[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], bool]:
    """The layer's arguments as the class writes them, each the helper's text when the only
    names of the helper it reads are parameters the class takes (``name + "_1_conv"``), else its
    value in this call (``axis=3`` for the helper's ``bn_axis``); and whether the helper's text
    is kept, all of it or where it reads a parameter. Names the helper computed from its
    parameters alone count as what they read: the class assigns them too (``helper_locals.py``)."""
    written = layer.written_in(ArgScope.FUNCTION)
    if layer.scope != invocation.function or written is None:
        return layer.args, layer.kwargs, False
    every, some = True, False
    derived = dict(invocation.derived)
    own = {name for name, _ in invocation.parameters or ()} | derived.keys()
    modules = names_in(derived.values()) - own  # what the expressions read of the module
    # a parameter rebound from itself first (``filters = int(filters * alpha)``): written out,
    # its expression reads what the call passed
    parameters = parameters | (derived.keys() & set(invocation.rebound)) - set(
        invocation.tensor_parameters
    )

    # the block's one tensor, whose shape a layer may read (``x.shape[-1] * 4``): built in build()
    tensors = invocation.tensor_parameters
    shaped = tensors[0] if len(tensors) == 1 else None

    def pick(helper: str, value: str) -> str:
        nonlocal every, some
        used, reads = read_through([helper], invocation.derived)
        substituted = reads - names_in([value]) - modules
        texts = [helper, *(derived[name] for name in used)]
        if shaped in substituted and any(
            shaped in names_in([in_build(text, set(), shaped)]) for text in texts
        ):
            substituted.add("")  # the tensor itself, not only its shape: no class reads that
        if not substituted <= parameters | ({shaped} if shaped else set()):
            every = False
            return value
        some = some or bool(substituted) or bool(used)
        return helper

    args = tuple(pick(h, v) for h, v in zip(written.args, layer.args, strict=True))
    kwargs = tuple(
        (key, pick(h, v)) for (key, h), (_, v) in zip(written.kwargs, layer.kwargs, strict=True)
    )
    return args, kwargs, every or some


def with_tensors_renamed(step: Node | Op, names: dict[str, str]) -> Node | Op:
    """The step reading ``names[t]`` where it read ``t``."""
    if isinstance(step, Op):
        return replace(step, inputs=tuple(names.get(t, t) for t in step.inputs))
    return replace(
        step,
        args=tuple(_renamed_arg(a, names) for a in step.args),
        kwargs=tuple((k, _renamed_arg(a, names)) for k, a in step.kwargs),
    )


def _renamed_arg(arg: Arg, names: dict[str, str]) -> Arg:
    if isinstance(arg, TensorRef):
        return TensorRef(names.get(arg.tensor, arg.tensor))
    if isinstance(arg, Seq):
        return replace(arg, items=tuple(_renamed_arg(a, names) for a in arg.items))
    if isinstance(arg, Mapping_):
        return replace(arg, items=tuple((k, _renamed_arg(a, names)) for k, a in arg.items))
    return arg
