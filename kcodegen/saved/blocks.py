"""Repeated blocks in a flat graph: what a saved model lost of its author's helpers and loops.

A block is a run of *segments*: the stretches between the graph's cut nodes (the calls every
path from the inputs to the outputs goes through), so each has one way in and one way out. Each
segment gets a token from its structure (layer classes and wiring, not their arguments); the
run of tokens that repeats to save the most written layers becomes a block kind, again until
nothing repeats. The arguments that differ between a kind's blocks become its parameters
(``block_code``).

networkx gives the dominators; it is imported here, on the one path that needs it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from kcodegen.saved.config_graph import SavedModel, TensorKey
from kcodegen.saved.layer_names import name_pattern

_LONGEST = 8  # segments in one block, at most
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


@dataclass(frozen=True)
class Plan:
    kinds: tuple[Kind, ...]
    # Each instance's first call -> (kind index, instance index); runs of adjacent instances of
    # one kind, each instance feeding the next, as (kind, first instance, count).
    starts: dict[int, tuple[int, int]]
    runs: tuple[tuple[int, int, int], ...]


def find_blocks(model: SavedModel) -> Plan:
    segments = _segments(model)
    called: dict[str, int] = defaultdict(int)
    for call in model.calls:
        called[call.layer] += 1
    tokens: list[Hashable] = [_token(model, segment, called) for segment in segments]
    weights = [len(segment) for segment in segments]
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
    for positions, length in zip(kinds, lengths, strict=True):
        instances = [
            _instance(model, [i for s in segments[p : p + length] for i in s]) for p in positions
        ]
        valid = [i for i in instances if i is not None]
        if len(valid) >= 2:
            found.append(tuple(valid))
    found.sort(key=lambda kind: kind[0].calls[0])
    starts = {inst.calls[0]: (k, n) for k, kind in enumerate(found) for n, inst in enumerate(kind)}
    return Plan(tuple(Kind(kind) for kind in found), starts, tuple(_runs(found)))


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
    for tensor in _outputs(model):
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


def _outputs(model: SavedModel) -> list[TensorKey]:
    outputs = model.outputs
    if isinstance(outputs, TensorKey):
        return [outputs]
    return list(outputs.values()) if isinstance(outputs, dict) else list(outputs or [])


def _token(model: SavedModel, segment: Sequence[int], called: dict[str, int]) -> Hashable:
    """The segment's structure; a token of its own when it cannot be part of a block (inputs,
    shared layers and nested models must be made once)."""
    calls = model.calls
    local = {(calls[i].layer, calls[i].node): n for n, i in enumerate(segment)}
    parts = []
    for i in segment:
        call = calls[i]
        layer = model.layers[call.layer]
        if layer.kind in ("input", "model") or called[call.layer] > 1:
            return ("alone", i)
        wiring = tuple((local.get((t.layer, t.node), "out"), t.index) for t in call.tensors())
        shape = _argument_shape(call.args) + _argument_shape(call.kwargs)
        options = {k: v for k, v in layer.config.items() if k != "name"}
        op = json.dumps(options, sort_keys=True) if layer.kind == "op" else ""
        parts.append((layer.class_name, wiring, shape, op))
    return tuple(parts)


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
    tokens: list[Hashable], weights: list[int], named: Callable[[list[int], int], bool]
) -> tuple[int, list[int]] | None:
    """The run of tokens whose repeats, non-overlapping, save the most written layers; first
    among them, runs whose layer names say they are the author's blocks."""
    candidates: list[tuple[int, int, list[int]]] = []
    for length in range(1, _LONGEST + 1):
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


def _instance(model: SavedModel, members: list[int]) -> Instance | None:
    """The block the calls ``members`` make, or None unless only its last call's outputs are
    read after it."""
    calls = model.calls
    inside = {(calls[i].layer, calls[i].node) for i in members}
    reads: list[TensorKey] = []
    for i in members:
        for tensor in calls[i].tensors():
            if (tensor.layer, tensor.node) not in inside and tensor not in reads:
                reads.append(tensor)
    after = [t for c in calls[members[-1] + 1 :] for t in c.tensors()] + _outputs(model)
    writes = sorted({t for t in after if (t.layer, t.node) in inside}, key=lambda t: t.index)
    last = (calls[members[-1]].layer, calls[members[-1]].node)
    if not writes or any((t.layer, t.node) != last for t in writes):
        return None
    return Instance(tuple(members), tuple(reads), tuple(writes))


def _runs(kinds: list[tuple[Instance, ...]]) -> list[tuple[int, int, int]]:
    """Adjacent instances of one kind where each reads what the one before made."""
    runs = []
    for k, kind in enumerate(kinds):
        first = 0
        for n in range(1, len(kind) + 1):
            joined = (
                n < len(kind)
                and kind[n].calls[0] == kind[n - 1].calls[-1] + 1
                and kind[n].reads == kind[n - 1].writes
            )
            if not joined:
                if n - first >= 2:
                    runs.append((k, first, n - first))
                first = n
    return runs
