"""Pair the layers and calls of two ModelGraphs of one model by graph structure, never by names.

Weights are copied pair by pair and intermediate outputs compared call by call, so the pairing has
to follow what the models compute. Names cannot: Keras makes them up (``dense_3``), and a conversion
may rename variables. Position alone cannot either: a subclass may create its layers in any order.

How: outputs are paired by key (dict outputs) or position. Walking backwards from each pair, every
tensor has exactly one producer, so producers pair without guessing — two layer calls when their
layers have the same class, two ops when they take as many tensors, two inputs when they are the
same input (position, or key) — and their argument tensors pair in argument order. Then the
original's topological order is walked forwards to pair what no output depends on (a subclass may
compute a tensor it never returns): a call pairs with an unpaired converted call of the same class
whose arguments are the images of its own. A layer pairs with one layer at every call, which is what
makes a shared layer one set of weights. Constructor arguments are never compared: a changed
activation must still pair, so that the difference can be found and named.

Pure Python over the IR: no TensorFlow, so pairing problems are known before any process starts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from kcodegen.ir import InputSpec, ModelGraph, Node, Op

Step = Node | Op | InputSpec


@dataclass(frozen=True)
class Correspondence:
    """Which layer and which call of the converted model stands for each one of the original."""

    layers: tuple[tuple[str, str], ...]  # (original LayerSpec id, converted LayerSpec id)
    nodes: tuple[tuple[str, str], ...]  # (original Node id, converted Node id), original's order
    unpaired_original: tuple[str, ...]  # LayerSpec ids
    unpaired_converted: tuple[str, ...]
    notes: tuple[str, ...]  # where the two structures part, e.g. "line 12 Dense vs line 15 Conv2D"


def correspond(original: ModelGraph, converted: ModelGraph) -> Correspondence:
    pairing = _Pairing(original, converted)
    for ours, theirs in _output_pairs(original, converted):
        pairing.walk_back(ours, theirs)
    pairing.walk_forward()
    return pairing.result()


def _output_pairs(original: ModelGraph, converted: ModelGraph) -> list[tuple[str, str]]:
    ours, theirs = original.output_structure, converted.output_structure
    if ours.kind == theirs.kind == "dict":
        keyed = {_key(key): tensor for key, tensor in zip(theirs.keys, theirs.tensors, strict=True)}
        return [
            (tensor, keyed[_key(key)])
            for key, tensor in zip(ours.keys, ours.tensors, strict=True)
            if _key(key) in keyed
        ]
    return list(zip(ours.tensors, theirs.tensors, strict=False))


def _key(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


class _Pairing:
    def __init__(self, original: ModelGraph, converted: ModelGraph) -> None:
        self.a, self.b = original, converted
        self.tensors: dict[str, str] = {}
        self.steps: dict[str, str] = {}
        self.paired_b: set[str] = set()
        self.layers: dict[str, str] = {}
        self.layers_b: dict[str, str] = {}
        self.notes: list[str] = []

    def walk_back(self, tensor: str, image: str) -> None:
        pending = [(tensor, image)]
        while pending:
            ours, theirs = pending.pop()
            if ours in self.tensors:
                if self.tensors[ours] != theirs:
                    self._note(
                        ours, theirs, "a tensor of the original meets two of the converted model"
                    )
                continue
            produced_a, produced_b = self.a.tensor_by_id[ours], self.b.tensor_by_id[theirs]
            p, q = self.a.step_by_id[produced_a.producer], self.b.step_by_id[produced_b.producer]
            if produced_a.index != produced_b.index or not self._pair(p, q):
                continue
            self.tensors[ours] = theirs
            pending.extend(zip(self.a.step_inputs(p), self.b.step_inputs(q), strict=True))

    def walk_forward(self) -> None:
        for p in self.a.inputs:
            for q in self.b.inputs:
                if p.id not in self.steps and q.id not in self.paired_b and self._same_input(p, q):
                    self._record(p, q)
                    self.tensors[p.tensor] = q.tensor
        for step_id in self.a.order:
            step = self.a.step_by_id[step_id]
            if step_id in self.steps or isinstance(step, InputSpec):
                continue
            images = [self.tensors.get(t) for t in self.a.step_inputs(step)]
            if None in images:
                continue
            for candidate_id in self.b.order:
                candidate = self.b.step_by_id[candidate_id]
                if (
                    candidate_id not in self.paired_b
                    and type(candidate) is type(step)
                    and self.b.step_inputs(candidate) == images
                    and self._fits(step, candidate)
                ):
                    self._record(step, candidate)
                    outputs = zip(step.outputs, candidate.outputs, strict=False)
                    self.tensors.update(outputs)
                    break

    def result(self) -> Correspondence:
        nodes = tuple(
            (step_id, self.steps[step_id])
            for step_id in self.a.order
            if step_id in self.steps and isinstance(self.a.step_by_id[step_id], Node)
        )
        calls = {node.id: node for node in self.a.nodes}
        in_order = dict.fromkeys(calls[node_id].layer for node_id, _ in nodes)
        layers = tuple((layer, self.layers[layer]) for layer in in_order)
        return Correspondence(
            layers=layers,
            nodes=nodes,
            unpaired_original=tuple(x.id for x in self.a.layers if x.id not in self.layers),
            unpaired_converted=tuple(x.id for x in self.b.layers if x.id not in self.layers_b),
            notes=tuple(dict.fromkeys(self.notes)),
        )

    def _pair(self, p: Step, q: Step) -> bool:
        """Pair two producers reached from paired tensors; a note when they cannot pair."""
        if p.id in self.steps or q.id in self.paired_b:
            if self.steps.get(p.id) == q.id:
                return True
            self._note_steps(p, q, "paired with another step already")
            return False
        if type(p) is not type(q):
            self._note_steps(p, q, "different kinds of step")
            return False
        if isinstance(p, InputSpec):
            if not self._same_input(p, q):  # type: ignore[arg-type]
                self._note_steps(p, q, "different inputs")
                return False
        elif len(self.a.step_inputs(p)) != len(self.b.step_inputs(q)):
            self._note_steps(p, q, "different numbers of tensor arguments")
            return False
        elif not self._fits(p, q):
            assert isinstance(p, Node) and isinstance(q, Node)
            same = self.a.layer_by_id[p.layer].cls == self.b.layer_by_id[q.layer].cls
            why = "a layer shared in one model only" if same else "different layer classes"
            self._note_steps(p, q, why)
            return False
        self._record(p, q)
        return True

    def _fits(self, p: Step, q: Step) -> bool:
        """Two calls fit when their layers have one class and neither is paired elsewhere."""
        if not isinstance(p, Node):
            return True
        assert isinstance(q, Node)
        ours, theirs = self.a.layer_by_id[p.layer], self.b.layer_by_id[q.layer]
        return (
            ours.cls == theirs.cls
            and self.layers.get(p.layer, q.layer) == q.layer
            and self.layers_b.get(q.layer, p.layer) == p.layer
        )

    def _record(self, p: Step, q: Step) -> None:
        self.steps[p.id] = q.id
        self.paired_b.add(q.id)
        if isinstance(p, Node) and isinstance(q, Node):
            self.layers[p.layer] = q.layer
            self.layers_b[q.layer] = p.layer

    def _same_input(self, p: InputSpec, q: InputSpec) -> bool:
        ours, theirs = self.a.input_structure, self.b.input_structure
        if ours.kind == theirs.kind == "dict":
            key_a = dict(zip(ours.tensors, ours.keys, strict=True)).get(p.tensor)
            key_b = dict(zip(theirs.tensors, theirs.keys, strict=True)).get(q.tensor)
            return key_a is not None and _key(key_a) == _key(key_b or "")
        return self.a.inputs.index(p) == self.b.inputs.index(q)

    def _note(self, ours: str, theirs: str, why: str) -> None:
        p = self.a.step_by_id[self.a.tensor_by_id[ours].producer]
        q = self.b.step_by_id[self.b.tensor_by_id[theirs].producer]
        self._note_steps(p, q, why)

    def _note_steps(self, p: Step, q: Step, why: str) -> None:
        self.notes.append(f"{_describe(self.a, p)} vs {_describe(self.b, q)}: {why}")


def _describe(graph: ModelGraph, step: Step) -> str:
    if isinstance(step, InputSpec):
        return f"input `{step.name}`"
    if isinstance(step, Op):
        return f"line {step.span.line} op"
    layer = graph.layer_by_id[step.layer]
    return f"line {step.via or step.span.line} {layer.cls.rsplit('.', 1)[-1]}"
