"""Repeated blocks in a flat graph: what a saved model lost of its author's helpers and loops.

A block is a run of *segments*: the stretches between the graph's cut nodes (the calls every
path from the inputs to the outputs goes through), so each has one way in and one way out. Each
segment gets a token from its structure (layer classes and wiring, not their arguments); the
run of tokens that repeats to save the most written layers becomes a block kind, again until
nothing repeats. The arguments that differ between a kind's blocks become its parameters
(``block_code``).

Before that, *units*: short chains of layers (each reading only the one before, which nothing
else reads) that repeat inside the branching segments, as Inception's ``conv2d_bn``
(Conv2D -> BatchNormalization -> Activation). They become helpers of their own, called by the
blocks and the model; a segment's token names its units, so a block kind's instances call the
same units in the same places.

Where no cut node falls between repeated regions, as between NASNet's cells (each reads the two
before it), ``cells`` finds them in the segment that holds them all.

networkx gives the dominators; it is imported here, on the one path that needs it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from kcodegen.saved.config_graph import SavedModel, TensorKey
from kcodegen.saved.layer_names import name_pattern

_LONGEST = 8  # segments in one block, at most
_UNIT_LONGEST = 4  # layers in one unit, at most: a unit is the author's small helper
_MIN_SAVING = 3  # written layers a block kind must save
_NAME_CHECKS = 20  # the best candidates whose layer names are read


@dataclass(frozen=True)
class Instance:
    calls: tuple[int, ...]  # indexes into ``model.calls``, in order, aligned across a kind
    reads: tuple[TensorKey, ...]  # the tensors it reads from before it, by first read
    writes: tuple[TensorKey, ...]  # what it makes that is read after it


@dataclass(frozen=True)
class Kind:
    instances: tuple[Instance, ...]
    # A cell (``cells``): its calls in the order a person writes them, not the graph's; it is
    # written where its last call is.
    at_end: bool = False


@dataclass(frozen=True)
class Plan:
    kinds: tuple[Kind, ...]
    # Each instance's first call -> (kind index, instance index); runs of adjacent instances of
    # one kind, each instance feeding the next, as (kind, first instance, count).
    starts: dict[int, tuple[int, int]]
    runs: tuple[tuple[int, int, int], ...]
    units: tuple[Kind, ...] = ()
    # Each call of a unit -> (unit kind, instance, position in the unit); runs as for blocks.
    member: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    unit_runs: tuple[tuple[int, int, int], ...] = ()
    segments: tuple[tuple[int, ...], ...] = ()  # the calls between cut nodes, in order
    # Cells (``cells``): each instance's last call -> (kind, instance), and all their calls.
    ends: dict[int, tuple[int, int]] = field(default_factory=dict)
    covered: frozenset[int] = frozenset()


def find_blocks(model: SavedModel) -> Plan:
    called: dict[str, int] = defaultdict(int)
    for call in model.calls:
        called[call.layer] += 1
    segments = _segments(model)
    units, member = _find_units(model, segments, called)
    segments = _whole_units(segments, units)
    tokens: list[Hashable] = [_token(model, segment, called, member) for segment in segments]
    # A segment that is one unit weighs one call: alone it is no block, the unit's loop is.
    weights = [1 if _one_unit(s, member) else len(s) for s in segments]
    kinds: list[list[int]] = []  # per kind: the first segment of each instance
    lengths: list[int] = []

    def named(starts: list[int], length: int) -> bool:
        rows = []
        for start in starts:
            members = [i for segment in segments[start : start + length] for i in segment]
            rows.append([_name(model, i) for i in members])
        return name_pattern(rows) is not None

    while True:
        best = _best_repeat(tokens, weights, named)
        if best is None:
            break
        length, positions = best
        for position in positions:
            for offset in range(length):
                tokens[position + offset] = ("taken", len(kinds), position, offset)
        kinds.append(positions)
        lengths.append(length)
    found = []
    last = _last_reads(model)
    for positions, length in zip(kinds, lengths, strict=True):
        instances = [
            _instance(model, [i for s in segments[p : p + length] for i in s], last)
            for p in positions
        ]
        valid = [i for i in instances if i is not None]
        if len(valid) >= 2:
            found.append(tuple(valid))
    found.sort(key=lambda kind: kind[0].calls[0])
    starts = {inst.calls[0]: (k, n) for k, kind in enumerate(found) for n, inst in enumerate(kind)}
    unit_runs = tuple(_runs(model, [kind.instances for kind in units]))
    blocks = tuple(Kind(kind) for kind in found)
    return Plan(
        blocks,
        starts,
        tuple(_runs(model, found)),
        units,
        member,
        unit_runs,
        tuple(tuple(segment) for segment in segments),
    )


def _segments(model: SavedModel) -> list[list[int]]:
    """The calls between consecutive cut nodes, in order."""
    import networkx as nx

    calls = model.calls
    index = {(c.layer, c.node): i for i, c in enumerate(calls)}
    graph = nx.DiGraph()
    source, sink = -1, len(calls)
    graph.add_nodes_from(range(-1, len(calls) + 1))
    for i, call in enumerate(calls):
        producers = {index[(t.layer, t.node)] for t in call.tensors()}
        if not producers:
            graph.add_edge(source, i)
        graph.add_edges_from((p, i) for p in producers)
    for i in range(len(calls)):
        if graph.out_degree(i) == 0:
            graph.add_edge(i, sink)
    for tensor in outputs(model):
        graph.add_edge(index[(tensor.layer, tensor.node)], sink)
    dominators = nx.immediate_dominators(graph, source)
    cuts = []
    node = dominators[sink]
    while node != source:
        cuts.append(node)
        node = dominators[node]
    segments, start = [], 0
    for cut in sorted(cuts):
        segments.append(list(range(start, cut + 1)))
        start = cut + 1
    if start < len(calls):
        segments.append(list(range(start, len(calls))))
    return [s for s in segments if s]


def outputs(model: SavedModel) -> list[TensorKey]:
    """The model's output tensors, as a list."""
    structure = model.outputs
    if isinstance(structure, TensorKey):
        return [structure]
    return list(structure.values()) if isinstance(structure, dict) else list(structure or [])


def _token(
    model: SavedModel,
    segment: Sequence[int],
    called: dict[str, int],
    member: dict[int, tuple[int, int, int]],
) -> Hashable:
    """The segment's structure and its units; a token of its own when it cannot be part of a
    block (inputs, shared layers and nested models must be made once)."""
    calls = model.calls
    local = {(calls[i].layer, calls[i].node): n for n, i in enumerate(segment)}
    parts = []
    for i in segment:
        if not plain(model, i, called):
            return ("alone", i)
        call = calls[i]
        wiring = tuple((local.get((t.layer, t.node), "out"), t.index) for t in call.tensors())
        unit = member.get(i)
        parts.append((call_token(model, i), wiring, unit and (unit[0], unit[2])))
    return tuple(parts)


def plain(model: SavedModel, index: int, called: dict[str, int]) -> bool:
    """Whether the call can be written in a helper: not an input, a nested model or a layer
    called more than once (those must be made once)."""
    call = model.calls[index]
    return model.layers[call.layer].kind in ("layer", "op") and called[call.layer] == 1


def call_token(model: SavedModel, index: int) -> Hashable:
    """A call's structure: its class, how its arguments nest, which of its tensors are one."""
    call = model.calls[index]
    layer = model.layers[call.layer]
    shape = _argument_shape(call.args) + _argument_shape(call.kwargs)
    options = {k: v for k, v in layer.config.items() if k != "name"}
    op = json.dumps(options, sort_keys=True) if layer.kind == "op" else ""
    tensors = list(call.tensors())
    return (layer.class_name, shape, op, tuple(tensors.index(t) for t in tensors))


def _find_units(
    model: SavedModel, segments: list[list[int]], called: dict[str, int]
) -> tuple[tuple[Kind, ...], dict[int, tuple[int, int, int]]]:
    """The unit kinds: found in the chains of branching segments (a chain elsewhere is a run of
    segments, the blocks' business), then also used on the chains elsewhere."""
    chains = _chains(model, called)
    branching = {i for segment in segments if len(segment) > 1 for i in segment}
    pieces = [p for chain in chains for p in _split(chain, branching)]
    found = [p for p in pieces if p[0] in branching]
    tokens: list[Hashable] = []
    at: list[int] = []  # the call at each token
    for n, piece in enumerate(found):
        tokens += [call_token(model, i) for i in piece] + [("alone", -n - 1)]
        at += [*piece, -1]

    def named(starts: list[int], length: int) -> bool:
        rows = [[_name(model, at[s + k]) for k in range(length)] for s in starts]
        return name_pattern(rows) is not None

    runs: list[list[list[int]]] = []  # per kind, its instances' calls
    while (best := _best_repeat(tokens, [1] * len(tokens), named, _UNIT_LONGEST)) is not None:
        length, positions = best
        runs.append([at[p : p + length] for p in positions])
        for p in positions:
            tokens[p : p + length] = [("taken", len(runs))] * length
    shapes = {tuple(call_token(model, i) for i in run[0]): k for k, run in enumerate(runs)}
    for piece in pieces:
        if piece[0] not in branching:
            _match(model, piece, shapes, runs)
    used: dict[tuple[str, int], set[TensorKey]] = defaultdict(set)
    for tensor in [t for c in model.calls for t in c.tensors()] + outputs(model):
        used[(tensor.layer, tensor.node)].add(tensor)
    kinds = []
    for run in runs:
        instances = sorted((_unit(model, m, used) for m in run), key=lambda i: i.calls[0])
        # A unit returns what its first instance's last layer gives that is read.
        same = [i for i in instances if _indexes(i.writes) == _indexes(instances[0].writes)]
        if len(same) >= 2:
            kinds.append(Kind(tuple(same)))
    kinds.sort(key=lambda kind: kind.instances[0].calls[0])
    member = {
        i: (k, n, position)
        for k, kind in enumerate(kinds)
        for n, instance in enumerate(kind.instances)
        for position, i in enumerate(instance.calls)
    }
    return tuple(kinds), member


def _indexes(tensors: Sequence[TensorKey]) -> tuple[int, ...]:
    return tuple(t.index for t in tensors)


def _chains(model: SavedModel, called: dict[str, int]) -> list[list[int]]:
    """The longest runs of plain calls where each reads only the one before, which nothing
    else reads; in order of their first call."""
    calls = model.calls
    index = {(c.layer, c.node): i for i, c in enumerate(calls)}
    readers: list[list[tuple[int, TensorKey]]] = [[] for _ in calls]
    for j, call in enumerate(calls):
        for tensor in call.tensors():
            readers[index[(tensor.layer, tensor.node)]].append((j, tensor))
    results = {index[(t.layer, t.node)] for t in outputs(model)}
    following: dict[int, int] = {}
    for i, read in enumerate(readers):
        if len(read) != 1 or i in results or not plain(model, i, called):
            continue
        j, tensor = read[0]
        alone = calls[j].args[:1] == [tensor] and len(list(calls[j].tensors())) == 1
        if tensor.index == 0 and alone and plain(model, j, called):
            following[i] = j
    led = set(following.values())
    chains = []
    for start in range(len(calls)):
        if start in led or not plain(model, start, called):
            continue
        chain = [start]
        while chain[-1] in following:
            chain.append(following[chain[-1]])
        chains.append(chain)
    return chains


def _split(chain: list[int], branching: set[int]) -> list[list[int]]:
    """The chain cut where it leaves or enters a branching segment."""
    pieces = [[chain[0]]]
    for i in chain[1:]:
        if (i in branching) == (pieces[-1][-1] in branching):
            pieces[-1].append(i)
        else:
            pieces.append([i])
    return pieces


def _match(
    model: SavedModel,
    piece: list[int],
    shapes: dict[tuple[Hashable, ...], int],
    runs: list[list[list[int]]],
) -> None:
    """Adds the unit instances in ``piece``, from its start, longest unit first."""
    tokens = [call_token(model, i) for i in piece]
    lengths = sorted({len(shape) for shape in shapes}, reverse=True)
    start = 0
    while start < len(piece):
        for length in lengths:
            k = shapes.get(tuple(tokens[start : start + length]))
            if k is not None:
                runs[k].append(piece[start : start + length])
                start += length
                break
        else:
            start += 1


def _unit(
    model: SavedModel, members: list[int], used: dict[tuple[str, int], set[TensorKey]]
) -> Instance:
    """A chain's instance: its first call's tensors in, its last call's read outputs out."""
    calls = model.calls
    reads = list(dict.fromkeys(calls[members[0]].tensors()))
    last = calls[members[-1]]
    writes = sorted(used[(last.layer, last.node)], key=lambda t: t.index)
    return Instance(tuple(members), tuple(reads), tuple(writes))


def _one_unit(segment: list[int], member: dict[int, tuple[int, int, int]]) -> bool:
    first, last = member.get(segment[0]), member.get(segment[-1])
    return first is not None and first[2] == 0 and last is not None and last[:2] == first[:2]


def _whole_units(segments: list[list[int]], units: tuple[Kind, ...]) -> list[list[int]]:
    """Segments joined where a cut falls inside a unit, so a unit is in one segment."""
    inside = {i for kind in units for instance in kind.instances for i in instance.calls[:-1]}
    joined: list[list[int]] = []
    for segment in segments:
        if joined and joined[-1][-1] in inside:
            joined[-1] += segment
        else:
            joined.append(list(segment))
    return joined


def _argument_shape(value: object) -> str:
    """How a call's arguments nest, with tensors as ``T`` and other values kept."""
    if isinstance(value, TensorKey):
        return "T"
    if isinstance(value, list):
        return "[" + ",".join(_argument_shape(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_argument_shape(v)}" for k, v in sorted(value.items())) + "}"
    return json.dumps(value, sort_keys=True)


def _name(model: SavedModel, index: int) -> str | None:
    layer = model.layers[model.calls[index].layer]
    return None if layer.kind == "op" else layer.name


def _best_repeat(
    tokens: list[Hashable],
    weights: list[int],
    named: Callable[[list[int], int], bool],
    longest: int = _LONGEST,
) -> tuple[int, list[int]] | None:
    """The run of tokens whose repeats, non-overlapping, save the most written layers; first
    among them, runs whose layer names say they are the author's blocks."""
    candidates: list[tuple[int, int, list[int]]] = []
    for length in range(1, longest + 1):
        seen: dict[tuple[Hashable, ...], list[int]] = defaultdict(list)
        for start in range(len(tokens) - length + 1):
            run = tuple(tokens[start : start + length])
            if any(isinstance(t, tuple) and t and t[0] in ("alone", "taken") for t in run):
                continue
            seen[run].append(start)
        for starts in seen.values():
            if len(starts) < 2:
                continue
            kept = _non_overlapping(starts, length)
            size = sum(weights[kept[0] : kept[0] + length])
            saving = (len(kept) - 1) * size - len(kept)
            if size >= 2 and saving >= _MIN_SAVING:
                candidates.append((saving, length, kept))
    candidates.sort(key=lambda c: -c[0])
    for _, length, kept in candidates[:_NAME_CHECKS]:
        if named(kept, length):
            return length, kept
    return (candidates[0][1], candidates[0][2]) if candidates else None


def _non_overlapping(starts: list[int], length: int) -> list[int]:
    kept: list[int] = []
    for start in starts:
        if not kept or start >= kept[-1] + length:
            kept.append(start)
    return kept


def _last_reads(model: SavedModel) -> dict[tuple[str, int], dict[TensorKey, int]]:
    """For each call, by its key, the tensors of it that are read and the last call reading each
    (``len(model.calls)`` for a model output): what a region's writes are found from."""
    found: dict[tuple[str, int], dict[TensorKey, int]] = defaultdict(dict)
    for index, call in enumerate(model.calls):
        for tensor in call.tensors():
            found[tensor.layer, tensor.node][tensor] = index
    for tensor in outputs(model):
        found[tensor.layer, tensor.node][tensor] = len(model.calls)
    return found


def _instance(
    model: SavedModel, members: list[int], last: dict[tuple[str, int], dict[TensorKey, int]]
) -> Instance | None:
    """The block the calls ``members`` make, or None unless only its last call's outputs are
    read after it."""
    calls = model.calls
    inside = {(calls[i].layer, calls[i].node) for i in members}
    reads: list[TensorKey] = []
    for i in members:
        for tensor in calls[i].tensors():
            if (tensor.layer, tensor.node) not in inside and tensor not in reads:
                reads.append(tensor)
    end = members[-1]
    later = {t for key in inside for t, at in last.get(key, {}).items() if at > end}
    writes = sorted(later, key=lambda t: t.index)
    final = (calls[end].layer, calls[end].node)
    if not writes or any((t.layer, t.node) != final for t in writes):
        return None
    return Instance(tuple(members), tuple(reads), tuple(writes))


def _runs(model: SavedModel, kinds: Sequence[tuple[Instance, ...]]) -> list[tuple[int, int, int]]:
    """Adjacent instances of one kind where each reads what the one before made, and nothing
    else does; each with no other call among its own (a loop is written in their place)."""
    reads: Counter[TensorKey] = Counter(t for c in model.calls for t in c.tensors())
    reads.update(outputs(model))

    def feeds(before: Instance, after: Instance) -> bool:
        inside = Counter(t for i in after.calls for t in model.calls[i].tensors())
        return after.reads == before.writes and all(inside[t] == reads[t] for t in before.writes)

    runs = []
    for k, kind in enumerate(kinds):
        first = 0
        for n in range(1, len(kind) + 1):
            joined = (
                n < len(kind)
                and _contiguous(kind[n - 1])
                and _contiguous(kind[n])
                and kind[n].calls[0] == kind[n - 1].calls[-1] + 1
                and feeds(kind[n - 1], kind[n])
            )
            if not joined:
                if n - first >= 2:
                    runs.append((k, first, n - first))
                first = n
    return runs


def _contiguous(instance: Instance) -> bool:
    return instance.calls[-1] - instance.calls[0] == len(instance.calls) - 1
