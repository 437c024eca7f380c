"""Find the ``for`` loops that generated code can keep as loops instead of unrolling them.

The frontend unrolls loops and marks what each pass makes with the pass (``within``). A loop of
the model's own code is kept when it is a chain and its passes are alike:

- a chain: each pass reads one tensor made before it and gives one tensor on, the next pass's
  (``x = layers.Dense(units)(x)``); the last pass's goes to the code after the loop;
- alike: every pass makes the same steps, wired the same way, from layers it creates itself and
  calls only itself, written as the loop's own code writes them (``Dense(units)``, the loop's
  names still in them) or with equal values;
- writable: that text and the iterable read no name the loop's body binds other than its targets
  and the names it computes alike in every pass (``prefix = f"block{i + 5}"``, assigned again in
  the kept loop), and, for code placed outside the function that built the model (a class), none
  of that function's names either. An argument whose text reads such a name is written with its
  value where that is the same in every pass (``axis=channel_axis`` as ``axis=-1``).

Then the first pass's steps, with those texts, are the loop's body: every pass computes what the
unrolled passes computed, because the iterable is the same constant the frontend unrolled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kcodegen.codegen.helper_locals import assignments, read_through
from kcodegen.codegen.keys import arg_key, names_in
from kcodegen.ir import ArgScope, LayerSpec, Loop, ModelGraph, Node, Op, module_arguments


@dataclass(frozen=True)
class KeptLoop:
    loop: Loop
    body: tuple[Node | Op, ...]  # the first pass's steps, in order
    layers: tuple[LayerSpec, ...]  # the layers the first pass makes, written as the loop does
    steps: frozenset[str]  # the steps of every pass
    carried_in: str  # the tensor the first pass reads
    body_out: str  # the tensor the first pass gives on (to the second)
    carried_out: str  # the tensor the last pass gives on
    # A loop over a list of layers (``for block in self.blocks:``): the list's layers, in order,
    # and the list's name; and the layers made before the loop that every pass calls (``norm``).
    items: tuple[LayerSpec, ...] = ()
    items_name: str | None = None
    shared: tuple[LayerSpec, ...] = ()
    # ``prefix = f"block{i + 5}"``: the names of the body the layers read, assigned in each pass.
    assignments: tuple[str, ...] = ()


def kept_loops(
    graph: ModelGraph, inlined: set[str], at_site: bool, over_lists: bool = False
) -> list[KeptLoop]:
    """The loops of ``graph`` that can be written as loops. ``inlined``: ops written into the
    expression of the step that uses them, which must then be in the same pass. ``at_site``: the
    code goes where the model was built, so it may read the names of the function that built it
    (``range(depth)``); a class elsewhere may not. ``over_lists``: the code can also keep a loop
    over a subclass's list of layers, with the list and the layers every pass shares before it."""
    kept = []
    own = {None} | graph.site_calls  # the model's own code: the module, or its builder
    for loop in graph.loops:
        if loop.parent in own and loop.passes >= 2 and not loop.broke:
            unreadable = loop.body_names | (frozenset() if at_site else loop.function_names)
            found = _kept(graph, loop, inlined, unreadable, over_lists)
            if found is not None:
                kept.append(found)
    return kept


def _kept(
    graph: ModelGraph,
    loop: Loop,
    inlined: set[str],
    unreadable: frozenset[str],
    over_lists: bool,
) -> KeptLoop | None:
    pass_ids = {loop.pass_id(index): index for index in range(loop.passes)}
    passes = _steps_by_pass(graph, pass_ids)
    if not all(passes):
        return None
    ends = [_ends(graph, steps) for steps in passes]
    if any(end is None for end in ends):
        return None
    chain = [end for end in ends if end is not None]
    for index in range(len(passes) - 1):
        (_, given), (read, _) = chain[index], chain[index + 1]
        following = {step.id for step in passes[index + 1]}
        if read != given or not set(graph.consumers[given]) <= following:
            return None  # not a chain, or a pass's tensor is read after the loop (a skip)
        if given in graph.output_structure.tensors:
            return None
    listed = _listed(loop) if over_lists else None
    keys = [
        _key(graph, loop, index, steps, inlined, unreadable, listed, pass_ids)
        for index, steps in enumerate(passes)
    ]
    if keys[0] is None or any(key != keys[0] for key in keys):
        return None
    made: list[LayerSpec] = []
    shared: list[LayerSpec] = []
    items: list[LayerSpec] = []
    for index, steps in enumerate(passes):
        for step in steps:
            if not isinstance(step, Node):
                continue
            layer = graph.layer_by_id[step.layer]
            if listed is not None and layer.attr_path == f"{listed}[{index}]":
                items.append(layer)
            elif index == 0 and graph.made_inside(layer.within, loop.pass_id(0)):
                if layer not in made:
                    made.append(layer)
            elif index == 0 and layer not in shared:
                shared.append(layer)
    written = [_as_written(layer, loop, unreadable) for layer in made]
    used, _ = read_through(
        [text for layer in written for text in layer.arguments[0].texts], loop.derived
    )
    return KeptLoop(
        loop,
        tuple(passes[0]),
        tuple(written),
        frozenset(step.id for steps in passes for step in steps),
        chain[0][0],
        chain[0][1],
        chain[-1][1],
        tuple(items),
        listed if items else None,
        tuple(shared),
        tuple(assignments(loop.derived, used, set())),
    )


def _listed(loop: Loop) -> str | None:
    """``blocks`` for ``for block in self.blocks:``: a loop over a subclass's list of layers."""
    name = loop.iterable.removeprefix("self.")
    if loop.iterable.startswith("self.") and name.isidentifier() and loop.target.isidentifier():
        return name
    return None


def _ends(graph: ModelGraph, steps: list[Node | Op]) -> tuple[str, str] | None:
    """The one tensor a pass reads from before it, and the one it gives to what follows."""
    ids = {step.id for step in steps}
    made = {t for step in steps for t in step.outputs}
    read = {t for step in steps for t in graph.step_inputs(step)} - made
    given = [
        t for t in made if set(graph.consumers[t]) - ids or t in graph.output_structure.tensors
    ]
    if len(read) != 1 or len(given) != 1:
        return None
    return read.pop(), given[0]


def _key(
    graph: ModelGraph,
    loop: Loop,
    index: int,
    steps: list[Node | Op],
    inlined: set[str],
    unreadable: frozenset[str],
    listed: str | None,
    pass_ids: dict[str, int],
) -> tuple | None:
    """What a pass makes, independent of which pass it is; None when it cannot be kept."""
    pass_id = loop.pass_id(index)
    ids = {step.id for step in steps}
    local: dict[str, object] = {}
    layers: list[str] = []
    key: list[object] = []
    for position_in_pass, step in enumerate(steps):
        if step.id in inlined and not set(graph.consumers[step.outputs[0]]) <= ids:
            return None
        for tensor in graph.step_inputs(step):
            local.setdefault(tensor, "carried")
        if isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
            if listed is not None and layer.attr_path == f"{listed}[{index}]":
                layer_key: object = "the item"  # the pass's own layer of the list
            elif listed is not None and _shared(graph, layer, pass_ids):
                layer_key = ("shared", layer.id)
            else:
                layer_key = None
            if layer_key is None and step.layer not in layers:
                if layer.is_model or layer.attrs:
                    return None
                if not {node.id for node in graph.nodes_of(layer.id)} <= ids:
                    return None  # a layer made before the loop, or used after it
                text = _text(layer, loop, pass_id, unreadable)
                if text is None:
                    return None
                layers.append(step.layer)
                key.append(("layer", layer.cls, text))
            key.append(
                (
                    "call",
                    layers.index(step.layer) if layer_key is None else layer_key,
                    tuple(arg_key(a, local) for a in step.args),
                    tuple((k, arg_key(a, local)) for k, a in step.kwargs),
                )
            )
        else:
            key.append(("op", step.template, tuple(local[t] for t in step.inputs)))
        for position, tensor in enumerate(step.outputs):
            local[tensor] = (position_in_pass, position)
    if names_in([loop.iterable]) & unreadable:
        return None
    return tuple(key)


def _shared(graph: ModelGraph, layer: LayerSpec, pass_ids: dict[str, int]) -> bool:
    """A layer made before the loop that only the loop's passes call (``self.norm``)."""
    if layer.is_model or _pass_of(graph, layer.within, pass_ids) is not None:
        return False
    return all(
        _pass_of(graph, node.within, pass_ids) is not None for node in graph.nodes_of(layer.id)
    )


def _steps_by_pass(graph: ModelGraph, pass_ids: dict[str, int]) -> list[list[Node | Op]]:
    """Each pass's steps, in order: one walk over the graph, not one per pass."""
    passes: list[list[Node | Op]] = [[] for _ in pass_ids]
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if isinstance(step, Node | Op):
            index = _pass_of(graph, step.within, pass_ids)
            if index is not None:
                passes[index].append(step)
    return passes


def _pass_of(graph: ModelGraph, within: str | None, pass_ids: dict[str, int]) -> int | None:
    """Which of the passes made something ``within`` a call or pass (directly or deeper)."""
    while within is not None:
        if within in pass_ids:
            return pass_ids[within]
        within = graph.parents.get(within)
    return None


def _text(
    layer: LayerSpec, loop: Loop, pass_id: str, unreadable: frozenset[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """The layer's arguments as the loop writes them: as written, when the loop's own body made
    it (not a loop inside it, whose names the kept loop does not bind), argument by argument
    where the text reads a name the loop cannot (the value then, which must be the same in every
    pass); else the values. None when no text the loop can write is known."""
    written = layer.written_in(ArgScope.LOOP)
    if layer.within == pass_id and written is not None:
        values = (layer.args, layer.kwargs)
        if len(layer.args) != len(written.args) or [k for k, _ in layer.kwargs] != [
            k for k, _ in written.kwargs
        ]:
            values = (written.args, written.kwargs)  # not argument by argument: the text only

        def text(own: str, value: str) -> str | None:
            _, reads = read_through([own], loop.derived)
            if not (reads - _targets(loop)) & unreadable:
                return own
            return None if (names_in([value]) - _targets(loop)) & unreadable else value

        args = tuple(text(a, v) for a, v in zip(written.args, values[0], strict=True))
        kwargs = tuple(
            (k, text(a, v)) for (k, a), (_, v) in zip(written.kwargs, values[1], strict=True)
        )
        if None in args or any(v is None for _, v in kwargs):
            return None
        return args, kwargs  # type: ignore[return-value]
    if layer.written_in(ArgScope.FUNCTION) is not None and layer.scope:
        return None  # made by a helper the loop called: its text reads the helper's names
    if (names_in([*layer.args, *(v for _, v in layer.kwargs)]) - _targets(loop)) & unreadable:
        return None
    return (layer.args, layer.kwargs)


def _as_written(layer: LayerSpec, loop: Loop, unreadable: frozenset[str]) -> LayerSpec:
    pass_id = loop.pass_id(0)
    written = layer.written_in(ArgScope.LOOP)
    text = _text(layer, loop, pass_id, unreadable)
    if layer.within != pass_id or written is None or text is None:
        return layer
    return replace(layer, arguments=module_arguments(*text), name=None)


def _targets(loop: Loop) -> set[str]:
    return names_in([f"[{loop.target}]"])
