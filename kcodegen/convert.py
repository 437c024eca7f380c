"""The library entry point for conversion: source in, frozen result out. No I/O, no TensorFlow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kcodegen.analysis import Reason, reasons_against
from kcodegen.analysis.layer_indexes import layer_index_reasons
from kcodegen.codegen import GeneratedInvalid, rewrite
from kcodegen.codegen.followed_guard import Unguarded
from kcodegen.codegen.unbound import newly_unbound
from kcodegen.errors import BadInput
from kcodegen.frontend import parse_models, select_models
from kcodegen.frontend.keras_config import Assumption
from kcodegen.frontend.written_style import written_styles
from kcodegen.ir import STYLES, ModelGraph, Style


@dataclass(frozen=True)
class Refusal:
    model: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Conversion:
    original: str
    output: str  # the whole new module; equal to ``original`` when nothing needed to change
    to: Style
    models: tuple[ModelGraph, ...]  # the models that were asked for, as parsed from ``original``
    converted: tuple[str, ...]  # names of models rewritten
    unchanged: tuple[str, ...]  # names of models already in the target style
    refusals: tuple[Refusal, ...]  # when not empty, ``output`` is ``original``
    # Constructs that kept some model of the file from being understood (and so from converting).
    problems: tuple[Reason, ...] = ()
    # Keras settings the code reads at run time and the values the conversion took for them.
    assumptions: tuple[Assumption, ...] = ()
    # Helper functions that built the converted models, removed since nothing calls them now.
    removed_helpers: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.output != self.original


def convert(
    source: str,
    to: Style,
    *,
    model: str | None = None,
    input_shapes: dict[str, tuple[int | None, ...]] | None = None,
    binds: dict[str, str] | None = None,
    assume: Mapping[str, object] | None = None,
    layer_classes: frozenset[str] = frozenset(),
) -> Conversion:
    """Rewrite the models of ``source`` in style ``to``; refuse (with reasons) what it cannot express.

    ``assume`` sets Keras settings the code reads (``image_data_format``) to other than their
    defaults; the result's ``assumptions`` say which were read and what was taken for them.
    ``layer_classes`` names classes of other modules that are layers (see ``parse_models``).
    """
    if to not in STYLES:
        raise BadInput(f"unknown style {to!r}; choose from {', '.join(STYLES)}")
    parsed = parse_models(source, input_shapes, binds, assume=assume, layer_classes=layer_classes)
    assumed = parsed.assumptions
    graphs = select_models(parsed, model)
    refusals: list[Refusal] = []
    problems = tuple(Reason(p.line, p.message) for p in parsed.problems)
    if not graphs and problems and _written_in(to, parsed.failed_styles, source):
        # Already in the target style, though not understood: nothing to do, and nothing lost.
        return Conversion(source, source, to, (), (), (), (), problems, assumed)
    if not graphs:
        refusals.append(Refusal("model", problems))
    todo: list[ModelGraph] = []
    unchanged: list[str] = []
    for graph in graphs:
        if graph.style == to:
            unchanged.append(graph.name)
            continue
        reasons = list(reasons_against(graph, to)) + layer_index_reasons(graph, to, source)
        if graph.site.problem:
            line = graph.site.problem_line or graph.span.line  # type: ignore[attr-defined]
            reasons.append(Reason(line, graph.site.problem))
        if reasons:
            refusals.append(Refusal(graph.name, tuple(reasons)))
        else:
            todo.append(graph)
    if refusals and _only_parts_refused(graphs, refusals, to):
        # The models are in the target style; the Sequential stem one of them uses as a layer
        # stays as it is written, a part of a model that needs no change.
        notes = tuple(
            Reason(reason.line, f"`{refusal.model}` stays as written: {reason.message}")
            for refusal in refusals
            for reason in refusal.reasons
        )
        return Conversion(source, source, to, graphs, (), tuple(unchanged), (), notes, assumed)
    if refusals or not todo:
        return Conversion(
            source, source, to, graphs, (), tuple(unchanged), tuple(refusals), (), assumed
        )
    converted = tuple(g.name for g in todo)
    try:
        output, removed = rewrite(parsed.module, source, todo, to)
    except (Unguarded, GeneratedInvalid) as failed:
        message = (
            f"the generated code does not compile ({failed.message}: `{failed.text}`); "
            "a bug in kcg, please report it"
            if isinstance(failed, GeneratedInvalid)
            else str(failed)
        )
        reason = Reason(todo[0].span.line, message)  # type: ignore[attr-defined]
        refused = (Refusal(", ".join(converted), (reason,)),)
        return Conversion(
            source, source, to, graphs, (), tuple(unchanged), refused, problems, assumed
        )
    broken = [
        Reason(line, f"`{text}` uses `{name}`, which the converted code would not define before it")
        if line
        else Reason(
            todo[0].span.line,  # type: ignore[attr-defined]
            f"the generated `{text}` reads `{name}`, which nothing defines there (a bug in kcg)",
        )
        for line, name, text in newly_unbound(source, output)
    ]
    if broken:
        refused = (Refusal(", ".join(converted), tuple(broken)),)
        return Conversion(
            source, source, to, graphs, (), tuple(unchanged), refused, problems, assumed
        )
    return Conversion(
        source, output, to, graphs, converted, tuple(unchanged), (), problems, assumed, removed
    )


def _written_in(to: Style, failed_styles: frozenset[str] | None, source: str) -> bool:
    """The models kcg could not follow are in style ``to``: what the interpreter saw of them, or
    else how the module spells its model construction."""
    return (failed_styles or written_styles(source)) == {to}


def _only_parts_refused(graphs: list[ModelGraph], refusals: list[Refusal], to: Style) -> bool:
    """Every model that is not a layer of another is in style ``to``, and only such layers
    (nested models) were refused."""
    parts = {layer.submodel for graph in graphs for layer in graph.layers if layer.submodel}
    top = [graph for graph in graphs if graph.name not in parts]
    return (
        bool(top)
        and all(graph.style == to for graph in top)
        and all(refusal.model in parts for refusal in refusals)
    )
