"""What is in each model of a file and which Keras APIs can express it: the result of ``kcg analyze``.

Plain frozen data built from the IR, the structure facts and the expressibility check, so the text
and JSON outputs (and library users) read one thing. ``to_dict`` is the JSON form; its keys are a
contract, pinned by tests/test_analyze.py.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from kcodegen.analysis.expressibility import Reason, reasons_against
from kcodegen.analysis.facts import facts, step_line
from kcodegen.frontend import ParsedModule, parse_models, select_models
from kcodegen.ir import STYLES, InputSpec, LayerSpec, ModelGraph, Node, Op, Site, Style


@dataclass(frozen=True)
class InputInfo:
    name: str  # the author's variable, or the call() parameter of a subclass
    key: str | None  # the key in a dict of inputs
    shape: tuple[int | None, ...] | None  # without the batch dimension; None when unknown
    dtype: str | None
    keras_name: str | None  # name= of the Input
    line: int | None  # None for a subclass's call() parameter


@dataclass(frozen=True)
class OutputInfo:
    name: str | None  # the variable the author bound the tensor to
    key: str | None  # the key in a dict of outputs
    producer: str  # what computes it: a layer, an operation or an input
    line: int | None


@dataclass(frozen=True)
class SharedLayer:
    layer: str
    layer_class: str
    calls: int
    lines: tuple[int, ...]


@dataclass(frozen=True)
class BranchPoint:
    tensor: str
    line: int | None  # where it is computed (None for a subclass's input)
    users: int
    user_lines: tuple[int, ...]


@dataclass(frozen=True)
class Merge:
    layer: str
    layer_class: str
    tensors: int
    line: int


@dataclass(frozen=True)
class NestedModel:
    layer: str
    layer_class: str
    line: int
    submodel: str | None  # another model of the same file, by name; None for keras.applications


@dataclass(frozen=True)
class OpUse:
    text: str
    line: int


@dataclass(frozen=True)
class StyleFit:
    style: Style
    fits: bool
    reasons: tuple[Reason, ...]  # empty when it fits


@dataclass(frozen=True)
class ModelReport:
    name: str
    keras_name: str | None
    class_name: str | None
    style: Style
    line: int  # the statement that creates the model
    class_line: int | None  # the ``class`` statement of a subclassed model
    input_kind: str  # single, list, tuple or dict
    inputs: tuple[InputInfo, ...]
    output_kind: str
    outputs: tuple[OutputInfo, ...]
    layers: int
    calls: int
    shared_layers: tuple[SharedLayer, ...]
    branch_points: tuple[BranchPoint, ...]
    merges: tuple[Merge, ...]
    nested_models: tuple[NestedModel, ...]
    ops: tuple[OpUse, ...]
    linear_chain: bool
    styles: tuple[StyleFit, ...]  # in STYLES order
    rewrite_problem: str | None  # why `kcg convert` cannot replace the model's code in place

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["styles"] = {
            fit.style: {"fits": fit.fits, "reasons": [asdict(r) for r in fit.reasons]}
            for fit in self.styles
        }
        return data


@dataclass(frozen=True)
class Analysis:
    models: tuple[ModelReport, ...]
    problems: tuple[Reason, ...]  # constructs that stopped a model from being understood
    # Keras settings the code reads at run time, as "assumed ..." notes (see keras_config)
    assumptions: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": [model.to_dict() for model in self.models],
            "problems": [asdict(problem) for problem in self.problems],
            "assumptions": [asdict(assumption) for assumption in self.assumptions],
        }


def analyze(
    source: str,
    *,
    model: str | None = None,
    input_shapes: dict[str, tuple[int | None, ...]] | None = None,
    assume: Mapping[str, object] | None = None,
) -> Analysis:
    """Every model of ``source`` (or the one named ``model``), described; raises BadInput as convert does."""
    parsed = parse_models(source, input_shapes, assume=assume)
    graphs = select_models(parsed, model)
    class_lines = _class_lines(parsed) if any(g.class_name for g in graphs) else {}
    reports = tuple(model_report(g, class_lines.get(g.site.class_statement)) for g in graphs)
    problems = tuple(Reason(p.line, p.message) for p in parsed.problems)
    assumed = tuple(Reason(a.line, a.describe()) for a in parsed.assumptions)
    return Analysis(reports, problems, assumed)


def model_report(graph: ModelGraph, class_line: int | None = None) -> ModelReport:
    info = facts(graph)
    return ModelReport(
        name=graph.name,
        keras_name=graph.keras_name,
        class_name=graph.class_name,
        style=graph.style,
        line=graph.span.line,  # type: ignore[attr-defined]
        class_line=class_line,
        input_kind=graph.input_structure.kind,
        inputs=tuple(_input_info(graph, spec) for spec in graph.inputs),
        output_kind=graph.output_structure.kind,
        outputs=_outputs(graph),
        layers=len(graph.layers),
        calls=len(graph.nodes),
        shared_layers=tuple(_shared(graph, graph.layer_by_id[i]) for i in info.shared_layers),
        branch_points=tuple(_branch_point(graph, t) for t in info.branch_points),
        merges=tuple(_merge(graph, node) for node in graph.nodes if node.id in info.merges),
        nested_models=tuple(
            NestedModel(layer_name(layer), layer.cls, layer.span.line, layer.submodel)
            for layer in graph.layers
            if layer.id in info.nested_models
        ),
        ops=tuple(OpUse(op_text(graph, op), op.span.line) for op in graph.ops),
        linear_chain=info.linear_chain,
        styles=tuple(_fit(graph, style) for style in STYLES),
        rewrite_problem=_rewrite_problem(graph.site),
    )


def _rewrite_problem(site: Site) -> str | None:
    if site.problem and site.problem_line:
        return f"line {site.problem_line}: {site.problem}"
    return site.problem


# --- names a reader recognises -----------------------------------------------------------------
def layer_name(layer: LayerSpec) -> str:
    """The author's name for a layer (variable, attribute or name=), else its class."""
    return layer.var_name or layer.name or short_class(layer)


def layer_title(layer: LayerSpec) -> str:
    """``shared (Dense)`` when the author named the layer, else ``Dense``."""
    name, cls = layer.var_name or layer.name, short_class(layer)
    return f"{name} ({cls})" if name else cls


def short_class(layer: LayerSpec) -> str:
    return layer.cls.rsplit(".", 1)[-1]


def tensor_name(graph: ModelGraph, tensor_id: str) -> str:
    return graph.tensor_by_id[tensor_id].name_hint or "tensor"


def op_text(graph: ModelGraph, op: Op) -> str:
    """``0.5 * x``: the operation as written, its tensors named by the author's variables."""
    return op.render([graph.tensor_by_id[t].name_hint or "x" for t in op.inputs])


def key_text(key: str) -> str:
    """A dict key as its value when it is a string literal (``"title"`` -> ``title``)."""
    try:
        value = ast.literal_eval(key)
    except (ValueError, SyntaxError):
        return key
    return value if isinstance(value, str) else key


# --- the parts of a report ---------------------------------------------------------------------
def _input_info(graph: ModelGraph, spec: InputSpec) -> InputInfo:
    structure = graph.input_structure
    key = None
    if structure.kind == "dict" and spec.tensor in structure.tensors:
        key = key_text(structure.keys[structure.tensors.index(spec.tensor)])
    line = spec.span.line if spec.span else None
    return InputInfo(spec.name, key, spec.shape, spec.dtype, spec.keras_name, line)


def _outputs(graph: ModelGraph) -> tuple[OutputInfo, ...]:
    structure = graph.output_structure
    keys: list[str | None] = [key_text(k) for k in structure.keys]
    keys += [None] * (len(structure.tensors) - len(keys))
    found = []
    for tensor_id, key in zip(structure.tensors, keys, strict=True):
        step = graph.step_by_id[graph.tensor_by_id[tensor_id].producer]
        found.append(
            OutputInfo(
                graph.tensor_by_id[tensor_id].name_hint,
                key,
                _producer(graph, step),
                step_line(step),
            )
        )
    return tuple(found)


def _producer(graph: ModelGraph, step: Node | Op | InputSpec) -> str:
    if isinstance(step, Node):
        return layer_title(graph.layer_by_id[step.layer])
    if isinstance(step, Op):
        return f"`{op_text(graph, step)}`"
    return f"input {step.name}"


def _shared(graph: ModelGraph, layer: LayerSpec) -> SharedLayer:
    nodes = graph.nodes_of(layer.id)
    lines = tuple(line for node in nodes if (line := step_line(node)) is not None)
    return SharedLayer(layer_name(layer), layer.cls, len(nodes), lines)


def _branch_point(graph: ModelGraph, tensor_id: str) -> BranchPoint:
    producer = graph.step_by_id[graph.tensor_by_id[tensor_id].producer]
    users = graph.consumers[tensor_id]
    user_lines = sorted(
        {line for user in users if (line := step_line(graph.step_by_id[user])) is not None}
    )
    return BranchPoint(
        tensor_name(graph, tensor_id), step_line(producer), len(set(users)), tuple(user_lines)
    )


def _merge(graph: ModelGraph, node: Node) -> Merge:
    layer = graph.layer_by_id[node.layer]
    line = step_line(node) or node.span.line
    return Merge(layer_name(layer), layer.cls, len(graph.step_inputs(node)), line)


def _fit(graph: ModelGraph, style: Style) -> StyleFit:
    reasons = reasons_against(graph, style)
    return StyleFit(style, not reasons, reasons)


def _class_lines(parsed: ParsedModule) -> dict[int | None, int]:
    """Module statement index -> line of its ``class`` keyword, for the subclasses of the module."""
    positions = MetadataWrapper(parsed.module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {
        index: positions[statement].start.line
        for index, statement in enumerate(parsed.module.body)
        if isinstance(statement, cst.ClassDef)
    }
