"""A model graph as a diagram sees it: boxes with label lines, arrows between them, nested clusters.

Mermaid, DOT and JSON all serialise this one structure, so the three never disagree.

Shared layers are drawn as ONE box per layer, because a box stands for one set of weights: a
siamese encoder is visibly the same encoder on both sides. The box says ``shared: 2 calls`` and
every arrow into or out of it is labelled with its call (``call 1``, ``call 2``), so which input
goes with which output stays readable. (A box per call, styled as shared, would keep the diagram
acyclic but would show two encoders where the model has one.)

Subclassed models are drawn from the graph their ``call()`` builds, like any other model. A layer
that is a whole model is one box; with ``expand_nested`` a model of the same file used as a layer
becomes a cluster holding its own drawing, wired to the call's tensors by position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from kcodegen.analysis.facts import facts, is_merge
from kcodegen.analysis.report import layer_name, op_text, short_class
from kcodegen.ir import InputSpec, LayerSpec, ModelGraph, Node, Op, tensor_refs

BoxKind = Literal["input", "output", "layer", "model", "op"]
MAX_CALL_TEXT = 40  # characters of a constructor call shown in a box, cut at an argument


@dataclass(frozen=True)
class Box:
    id: str
    kind: BoxKind
    lines: tuple[str, ...]  # the label, one entry per line, unescaped
    line: int | None = None  # where it is written in the source
    layer_class: str | None = None  # canonical class of a layer or model box
    name: str | None = None  # the author's name (variable, attribute, name=)
    shape: tuple[int | None, ...] | None = None  # of an input, without the batch dimension
    calls: int = 1
    merge: bool = False
    cluster: str | None = None  # id of the expanded nested model drawn around it

    @property
    def shared(self) -> bool:
        return self.calls > 1


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    tensor: str | None  # the author's name for the tensor it carries
    label: str | None = None  # which call of a shared layer, which call keyword


@dataclass(frozen=True)
class Cluster:
    id: str
    title: str
    parent: str | None = None


@dataclass(frozen=True)
class Drawing:
    model: str
    title: str
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    clusters: tuple[Cluster, ...] = ()


def draw(
    graph: ModelGraph,
    models: Mapping[str, ModelGraph] | None = None,
    *,
    expand_nested: bool = False,
) -> Drawing:
    """The drawing of ``graph``; ``models`` (by name) are the file's models a layer may nest."""
    builder = _Builder(models or {}, expand_nested)
    builder.add(graph, prefix="n", cluster=None, open_models=(graph.name,))
    return Drawing(
        graph.name,
        title(graph),
        tuple(builder.boxes),
        tuple(builder.arrows),
        tuple(builder.clusters),
    )


def title(graph: ModelGraph) -> str:
    """``model (functional, name='inception_mini')``, ``model (subclassing, class TwoHead)``."""
    details: list[str] = [graph.style]
    if graph.class_name:
        details.append(f"class {graph.class_name}")
    if graph.keras_name:
        details.append(f"name={graph.keras_name!r}")
    return f"{graph.name} ({', '.join(details)})"


@dataclass
class _Placed:
    """Where one model's steps ended up: box ids, and for expanded layers their inner ports."""

    prefix: str  # box ids are ``n0, n1, ...``; inside the cluster of box n3: ``n3_0, n3_1, ...``
    boxes: dict[str, str] = field(default_factory=dict)  # input/layer/op id -> box id
    ports: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # layer id -> io
    count: int = 0

    def new_id(self) -> str:
        self.count += 1
        separator = "_" if self.prefix != "n" else ""
        return f"{self.prefix}{separator}{self.count - 1}"


class _Builder:
    def __init__(self, models: Mapping[str, ModelGraph], expand_nested: bool) -> None:
        self.models = models
        self.expand_nested = expand_nested
        self.boxes: list[Box] = []
        self.arrows: list[Arrow] = []
        self.clusters: list[Cluster] = []

    def add(
        self, graph: ModelGraph, prefix: str, cluster: str | None, open_models: tuple[str, ...]
    ) -> tuple[list[str], list[str]]:
        """Draw ``graph``; the ids of its input boxes and output boxes, for wiring it when nested."""
        placed = _Placed(prefix)
        whole_models = set(facts(graph).nested_models)
        for step_id in graph.order:
            step = graph.step_by_id[step_id]
            if isinstance(step, InputSpec):
                placed.boxes[step.id] = placed.new_id()
                self.boxes.append(_input_box(placed.boxes[step.id], step, cluster))
            elif isinstance(step, Op):
                placed.boxes[step.id] = placed.new_id()
                text = (op_text(graph, step),)
                self.boxes.append(
                    Box(placed.boxes[step.id], "op", text, line=step.span.line, cluster=cluster)
                )
            elif step.layer not in placed.boxes:
                layer = graph.layer_by_id[step.layer]
                placed.boxes[layer.id] = placed.new_id()
                nested = self._expandable(layer, open_models)
                if nested is not None:
                    placed.ports[layer.id] = self._expand(
                        placed.boxes[layer.id], layer, nested, open_models, cluster
                    )
                else:
                    kind: BoxKind = "model" if layer.id in whole_models else "layer"
                    box_id = placed.boxes[layer.id]
                    self.boxes.append(_layer_box(box_id, kind, graph, layer, self.models, cluster))
        for step_id in graph.order:
            step = graph.step_by_id[step_id]
            if not isinstance(step, InputSpec):
                self._wire(graph, step, placed)
        outputs = self._outputs(graph, placed, cluster)
        return [placed.boxes[spec.id] for spec in graph.inputs], outputs

    def _expand(
        self,
        box_id: str,
        layer: LayerSpec,
        nested: ModelGraph,
        open_models: tuple[str, ...],
        cluster: str | None,
    ) -> tuple[list[str], list[str]]:
        """Draw a nested model as a cluster in place of its layer box; its input and output boxes."""
        heading = title(nested)
        if layer_name(layer) != nested.name:
            heading = f"{layer_name(layer)}: {heading}"
        self.clusters.append(Cluster(box_id, heading, cluster))
        return self.add(nested, box_id, box_id, (*open_models, nested.name))

    def _expandable(self, layer: LayerSpec, open_models: tuple[str, ...]) -> ModelGraph | None:
        if not (self.expand_nested and layer.submodel) or layer.submodel in open_models:
            return None
        return self.models.get(layer.submodel)

    def _wire(self, graph: ModelGraph, step: Node | Op, placed: _Placed) -> None:
        """Arrows into ``step``, one per tensor it uses."""
        used = _used_tensors(graph, step)
        for position, (tensor_id, keyword) in enumerate(used):
            producer = graph.step_by_id[graph.tensor_by_id[tensor_id].producer]
            sources, source_call = self._sources(graph, producer, tensor_id, placed)
            if isinstance(step, Node):
                target_call = _call_number(graph, step)
                inner_inputs = placed.ports.get(step.layer, ([], []))[0]
                targets = _pick(inner_inputs, position, len(used)) or [placed.boxes[step.layer]]
            else:
                target_call, targets = None, [placed.boxes[step.id]]
            label = _arrow_label(source_call, target_call, keyword)
            hint = graph.tensor_by_id[tensor_id].name_hint
            self.arrows.extend(Arrow(s, t, hint, label) for s in sources for t in targets)

    def _sources(
        self,
        graph: ModelGraph,
        producer: Node | Op | InputSpec,
        tensor_id: str,
        placed: _Placed,
    ) -> tuple[list[str], int | None]:
        """The boxes a tensor leaves from, and the call of a shared layer that made it."""
        if not isinstance(producer, Node):
            return [placed.boxes[producer.id]], None
        inner_outputs = placed.ports.get(producer.layer, ([], []))[1]
        index = producer.outputs.index(tensor_id)
        sources = _pick(inner_outputs, index, len(producer.outputs)) or [
            placed.boxes[producer.layer]
        ]
        return sources, _call_number(graph, producer)

    def _outputs(self, graph: ModelGraph, placed: _Placed, cluster: str | None) -> list[str]:
        """One box per output, named by its dict key or position; their ids."""
        structure = graph.output_structure
        output_ids = []
        for index, tensor_id in enumerate(structure.tensors):
            box_id = placed.new_id()
            output_ids.append(box_id)
            heading = "output"
            if structure.kind == "dict":
                heading += f" {structure.keys[index]}"
            elif structure.kind != "single":
                heading += f" {index}"
            hint = graph.tensor_by_id[tensor_id].name_hint
            lines = (heading, hint) if hint else (heading,)
            self.boxes.append(Box(box_id, "output", lines, name=hint, cluster=cluster))
            producer = graph.step_by_id[graph.tensor_by_id[tensor_id].producer]
            sources, call = self._sources(graph, producer, tensor_id, placed)
            label = _arrow_label(call, None, None)
            self.arrows.extend(Arrow(source, box_id, hint, label) for source in sources)
        return output_ids


def _used_tensors(graph: ModelGraph, step: Node | Op) -> list[tuple[str, str | None]]:
    """(tensor id, call keyword or None) for every tensor a step uses, in argument order."""
    if isinstance(step, Op):
        return [(t, None) for t in step.inputs]
    positional = [(t, None) for arg in step.args for t in tensor_refs(arg)]
    return positional + [(t, key) for key, arg in step.kwargs for t in tensor_refs(arg)]


def _pick(ports: list[str], index: int, count: int) -> list[str]:
    """The inner port for the ``index``-th of ``count`` tensors: by position when counts agree."""
    if not ports:
        return []
    return [ports[index]] if len(ports) == count else list(ports)


def _call_number(graph: ModelGraph, node: Node) -> int | None:
    """1-based call of a shared layer; None for a layer called once."""
    calls = graph.nodes_of(node.layer)
    return calls.index(node) + 1 if len(calls) > 1 else None


def _arrow_label(
    source_call: int | None, target_call: int | None, keyword: str | None
) -> str | None:
    parts = []
    if source_call and target_call:
        parts.append(f"call {source_call} → call {target_call}")
    elif source_call or target_call:
        parts.append(f"call {source_call or target_call}")
    if keyword:
        parts.append(f"{keyword}=")
    return ", ".join(parts) or None


def _input_box(box_id: str, spec: InputSpec, cluster: str | None) -> Box:
    shape = "shape unknown" if spec.shape is None else shape_text(spec.shape)
    dtype = f" {spec.dtype}" if spec.dtype else ""
    return Box(
        box_id,
        "input",
        (spec.name, f"Input {shape}{dtype}"),
        line=spec.span.line if spec.span else None,
        name=spec.name,
        shape=spec.shape,
        cluster=cluster,
    )


def _layer_box(
    box_id: str,
    kind: BoxKind,
    graph: ModelGraph,
    layer: LayerSpec,
    models: Mapping[str, ModelGraph],
    cluster: str | None,
) -> Box:
    name = layer.var_name or layer.name
    calls = graph.nodes_of(layer.id)
    lines = [name] if name else []
    lines.append(_model_text(layer, models) if layer.is_model else _call_text(layer))
    if len(calls) > 1:
        lines.append(f"shared: {len(calls)} calls")
    return Box(
        box_id,
        kind,
        tuple(lines),
        line=layer.span.line,
        layer_class=layer.cls,
        name=name,
        calls=len(calls),
        merge=any(is_merge(graph, node) for node in calls),
        cluster=cluster,
    )


def _model_text(layer: LayerSpec, models: Mapping[str, ModelGraph]) -> str:
    """``Sequential model``, ``Tower model``: what kind of model a layer that is a model is."""
    submodel = models.get(layer.submodel) if layer.submodel else None
    if submodel is None:
        written = re.sub(r"\(.*", "", layer.callee, flags=re.DOTALL)  # `Tower()` -> `Tower`
        return f"{written.rsplit('.', 1)[-1]} model"
    return f"{submodel.class_name or submodel.style.capitalize()} model"


def _call_text(layer: LayerSpec) -> str:
    """``Dense(64, activation='relu')``, arguments after the first ~40 characters shown as ``…``;
    ``name=`` is left out (the box shows the name above)."""
    args = [*layer.args, *(f"{k}={v}" for k, v in layer.kwargs if k != "name")]
    shown: list[str] = []
    for arg in (re.sub(r"\s*\n\s*", " ", a) for a in args):
        if shown and len(", ".join([*shown, arg])) > MAX_CALL_TEXT:
            shown.append("…")
            break
        shown.append(arg if len(arg) <= MAX_CALL_TEXT else arg[: MAX_CALL_TEXT - 1] + "…")
    return f"{short_class(layer)}({', '.join(shown)})"


def shape_text(shape: tuple[int | None, ...]) -> str:
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


__all__ = ["Arrow", "Box", "Cluster", "Drawing", "draw", "shape_text", "title"]
