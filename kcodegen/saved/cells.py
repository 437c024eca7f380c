"""Cells: repeated regions that read several earlier tensors, as NASNet's cells read the outputs
of the two cells before them. No cut node falls between such cells, so ``blocks`` sees them all as
one segment; they are found in the segment's post-dominator tree instead.

In that tree a call's subtree is the calls that reach the model's outputs only through it: a
region with one way out and any number of ways in. The children of a segment's last call are its
candidate cells, and what is left around that last call one more. A cell leaves out its *input
parts*: the subtrees under its output that read only tensors from before the cell (NASNet's
adjustment of ``p``, the first convolution of ``x``). Those are what differs between cells of one
kind; the cell takes their outputs, and a part that repeats is a kind of its own.

A cell is written where its last call is; its calls in the order a person writes them (each
call's inputs first, in argument order), so the cells of a kind line up call by call.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

from kcodegen.saved.blocks import Instance, Kind, Plan, call_token, outputs, plain
from kcodegen.saved.config_graph import SavedModel, TensorKey

_MIN_SAVING = 3  # written layers a kind of cells must save, as for blocks


@dataclass(frozen=True)
class _Region:
    instance: Instance
    token: Hashable
    size: int  # the lines its helper writes: a unit is one
    parts: tuple[frozenset[int], ...] = ()  # its input parts' calls


class _Graph:
    """Who reads whom, and the post-dominator tree: what every region is cut from."""

    def __init__(self, model: SavedModel, plan: Plan) -> None:
        self.model = model
        self.member = plan.member
        self.units = {
            (k, n): instance.calls
            for k, kind in enumerate(plan.units)
            for n, instance in enumerate(kind.instances)
        }
        calls = model.calls
        self.called = Counter(call.layer for call in calls)
        index = {(c.layer, c.node): i for i, c in enumerate(calls)}
        self.producers = [
            list(dict.fromkeys(index[(t.layer, t.node)] for t in call.tensors())) for call in calls
        ]
        self.readers: list[set[int]] = [set() for _ in calls]
        for i, producers in enumerate(self.producers):
            for p in producers:
                self.readers[p].add(i)
        self.used: dict[int, set[TensorKey]] = defaultdict(set)
        for tensor in [t for c in calls for t in c.tensors()] + outputs(model):
            self.used[index[(tensor.layer, tensor.node)]].add(tensor)
        ends = {index[(t.layer, t.node)] for t in outputs(model)}
        self.children = _post_dominator_children(len(calls), self.readers, ends)

    def subtree(self, root: int, within: set[int]) -> set[int]:
        found, stack = {root}, [root]
        while stack:
            for child in self.children[stack.pop()]:
                if child in within and child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def read_from(self, members: set[int]) -> set[int]:
        """The calls outside ``members`` whose tensors they read."""
        return {p for i in members for p in self.producers[i] if p not in members}

    def unit_size(self, members: Iterable[int]) -> int:
        return sum(1 for i in members if i not in self.member or self.member[i][2] == 0)


def find_cells(model: SavedModel, plan: Plan) -> Plan:
    """``plan`` with the cells (and repeated input parts) of the segments no block took."""
    taken = {i for kind in plan.kinds for inst in kind.instances for i in inst.calls}
    graph = _Graph(model, plan)
    spans = [set(s) for s in plan.segments if len(s) > 2 and not taken.intersection(s)]
    cells = _kinds([region for span in spans for region in _candidates(graph, span)])
    tokens = {kind[0].token for kind in cells}
    for span in spans:
        last = max(span)
        rest = span - {i for kind in cells for r in kind for i in r.instance.calls}
        rest -= {i for kind in cells for r in kind for part in r.parts for i in part}
        region = _cell(graph, last, rest) if last in rest else None
        if region is not None and region.token in tokens:
            next(kind for kind in cells if kind[0].token == region.token).append(region)
    in_cells = {i for kind in cells for cell in kind for i in cell.instance.calls}
    parts = [
        part
        for kind in cells
        for cell in kind
        for members in cell.parts
        if not in_cells.intersection(members)
        and (part := _region(graph, max(members), members)) is not None
    ]
    return _with(plan, cells + _kinds(parts))


def _candidates(graph: _Graph, span: set[int]) -> list[_Region]:
    """The cells under the segment's last call that read two tensors or more: its children,
    then what its children's input parts hold (NASNet's last cell but one is under the first
    convolution of the last). A chain of calls is passed down to where it branches."""
    found = []
    stack = [child for child in graph.children[max(span)] if child in span]
    while stack:
        node = stack.pop()
        while len(below := [c for c in graph.children[node] if c in span]) == 1:
            node = below[0]
        region = _cell(graph, node, graph.subtree(node, span))
        if region is None:
            continue
        if len(region.instance.reads) >= 2:
            found.append(region)
        stack += [max(part) for part in region.parts]
    return found


def _post_dominator_children(
    count: int, readers: list[set[int]], ends: set[int]
) -> list[list[int]]:
    """Each call's children in the post-dominator tree (the sink's are left out)."""
    import networkx as nx

    graph = nx.DiGraph()
    sink = count
    graph.add_nodes_from(range(count + 1))
    for i, read in enumerate(readers):
        graph.add_edges_from((r, i) for r in read)
        if not read or i in ends:
            graph.add_edge(sink, i)
    dominators = nx.immediate_dominators(graph, sink)
    children: list[list[int]] = [[] for _ in range(count)]
    for node in range(count):
        parent = dominators.get(node, sink)
        if parent not in (sink, node):
            children[parent].append(node)
    return children


def _cell(graph: _Graph, output: int, members: set[int]) -> _Region | None:
    """The region of ``members`` under ``output`` without its input parts."""
    parts = []
    for child in graph.children[output]:
        if child in members:
            part = graph.subtree(child, members)
            if not graph.read_from(part) & members:
                parts.append(frozenset(part))
    core = members.difference(*parts)
    region = _region(graph, output, core)
    return region and replace(region, parts=tuple(parts))


def _region(graph: _Graph, output: int, members: set[int] | frozenset[int]) -> _Region | None:
    """The instance and token of ``members`` ending at ``output``; None unless each of its calls
    can be in a helper, only ``output`` is read outside it, and it holds its units whole."""
    model = graph.model
    order = _order(graph, output, members)
    if len(order) != len(members):
        return None
    for i in order:
        unit = graph.member.get(i)
        outside = i != output and not graph.readers[i] <= members
        if outside or not plain(model, i, graph.called):
            return None
        if unit is not None and not members.issuperset(graph.units[unit[:2]]):
            return None
    reads, token = _token(graph, order)
    writes = sorted(graph.used[output], key=lambda t: t.index)
    instance = Instance(tuple(order), tuple(reads), tuple(writes))
    return _Region(instance, token, graph.unit_size(order))


def _token(graph: _Graph, order: list[int]) -> tuple[list[TensorKey], Hashable]:
    """What the region reads, by first read, and its structure: per call its class, where its
    tensors come from (a call of the region, or the region's n-th read) and its unit."""
    model = graph.model
    local = {(model.calls[i].layer, model.calls[i].node): n for n, i in enumerate(order)}
    reads: list[TensorKey] = []
    token = []
    for i in order:
        wiring: list[tuple[int | str, int]] = []
        for tensor in model.calls[i].tensors():
            at = local.get((tensor.layer, tensor.node))
            if at is None:
                if tensor not in reads:
                    reads.append(tensor)
                wiring.append(("in", reads.index(tensor)))
            else:
                wiring.append((at, tensor.index))
        unit = graph.member.get(i)
        token.append((call_token(model, i), tuple(wiring), unit and (unit[0], unit[2])))
    return reads, tuple(token)


def _order(graph: _Graph, output: int, members: set[int] | frozenset[int]) -> list[int]:
    """``members`` as a person writes them: each call after its inputs, taken in argument
    order, depth first from ``output`` (a loop, not recursion: a region can be long)."""
    order: list[int] = []
    seen = {output}
    stack = [(output, iter(graph.producers[output]))]
    while stack:
        node, pending = stack[-1]
        for producer in pending:
            if producer in members and producer not in seen:
                seen.add(producer)
                stack.append((producer, iter(graph.producers[producer])))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _kinds(regions: list[_Region]) -> list[list[_Region]]:
    """The groups of regions of one token that save enough written layers."""
    groups: dict[Hashable, list[_Region]] = defaultdict(list)
    for region in regions:
        groups[region.token].append(region)
    return [
        group
        for group in groups.values()
        if len(group) >= 2
        and group[0].size >= 2
        and (len(group) - 1) * group[0].size - len(group) >= _MIN_SAVING
    ]


def _with(plan: Plan, found: list[list[_Region]]) -> Plan:
    """``plan`` with the kinds ``found`` after its blocks, in order of their first cells."""
    ordered = [sorted(g, key=lambda r: r.instance.calls[-1]) for g in found]
    groups = sorted(ordered, key=lambda g: g[0].instance.calls[-1])
    kinds = [*plan.kinds, *(Kind(tuple(r.instance for r in g), at_end=True) for g in groups)]
    ends = {
        r.instance.calls[-1]: (k, n)
        for k, g in enumerate(groups, start=len(plan.kinds))
        for n, r in enumerate(g)
    }
    covered = frozenset(i for g in groups for r in g for i in r.instance.calls)
    return replace(plan, kinds=tuple(kinds), ends=ends, covered=covered)
