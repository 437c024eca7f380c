"""Source text -> the ModelGraphs it builds, by abstract interpretation (see ``interpreter``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import libcst as cst

from kcodegen.frontend.errors import FrontendError, Unsupported
from kcodegen.frontend.followed import called_otherwise
from kcodegen.frontend.freeze import freeze
from kcodegen.frontend.interpreter import Interpreter
from kcodegen.frontend.keras_config import Assumption
from kcodegen.ir import ModelGraph


@dataclass(frozen=True)
class ParsedModule:
    module: cst.Module
    models: tuple[ModelGraph, ...]
    problems: tuple[Unsupported, ...]  # constructs that stopped a model from being understood
    # Keras settings the code read at run time, and the values kcg took for them.
    assumptions: tuple[Assumption, ...] = ()
    # When every problem was met building a model (not in code around it), the styles of those
    # models: kcg knows what they are, though it could not follow them. None otherwise.
    failed_styles: frozenset[str] | None = None


def parse_module(source: str) -> cst.Module:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        line, col, message = error.raw_line, error.raw_column + 1, "invalid syntax"
    try:  # Python's own compiler words syntax errors best
        compile(source, "<source>", "exec", dont_inherit=True)
    except SyntaxError as python_error:
        line, col, message = (
            python_error.lineno or line,
            python_error.offset or col,
            python_error.msg,
        )
    raise FrontendError(f"syntax error: {message}", line, col)


def parse_models(
    source: str,
    input_shapes: dict[str, tuple[int | None, ...]] | None = None,
    binds: dict[str, str] | None = None,
    follow: frozenset[str] = frozenset(),
    *,
    assume: Mapping[str, object] | None = None,
    layer_classes: frozenset[str] = frozenset(),
) -> ParsedModule:
    """Every Keras model the module builds, in source order.

    ``input_shapes`` fills in unknown input shapes by input name; ``binds`` gives module-level names
    the values their (data-dependent) statements would compute, as Python literals. The Layer
    classes named in ``follow`` are read through (their layers become the model's, found by
    attribute path) where a subclass creates them, instead of as one opaque layer: verification
    uses this for the block classes a conversion wrote, to pair their layers with the original's.
    ``assume`` gives Keras settings the code reads (``image_data_format``) other than the defaults.
    ``layer_classes`` are classes of other modules, by dotted name, known to be layers (a saved
    model's custom classes): their instances are layers, though kcg cannot read their code.
    """
    module = parse_module(source)
    interp = Interpreter(module, source, input_shapes or {}, binds, follow, assume, layer_classes)
    interp.run()
    models: list[ModelGraph] = []
    problems = list(interp.problems)
    by_site: dict[tuple[str, int, str], ModelGraph | None] = {}
    name_of: dict[str, str] = {}  # record id -> model name, for models used as layers
    for record in interp.records:
        if "." in record.block:
            continue  # made inside a method (``self.tower = Tower()``): a part of its owner only
        key = (record.block, record.statement, record.style)
        if key in by_site and by_site[key] is not None and not record.explored:  # called again
            graph = by_site[key]
            assert graph is not None
            passable = {*graph.site.parameters, graph.name_text}  # the class may take these
            compared = [f for f in graph.site.followed if f[0] not in passable]
            changed = called_otherwise(interp, compared, record)
            if changed and not graph.site.problem:
                site = replace(graph.site, problem=f"`{record.block}` {changed}")
                by_site[key] = replace(graph, site=site)
                models[models.index(graph)] = by_site[key]  # type: ignore[assignment]
        if key not in by_site:  # a builder function called twice defines one model
            try:
                if record.unknown is not None:
                    raise record.unknown
                by_site[key] = freeze(record, interp)
                models.append(by_site[key])  # type: ignore[arg-type]
            except Unsupported as problem:
                by_site[key] = None
                problems.append(problem)
        graph = by_site[key]
        if graph is not None:
            name_of[record.id] = graph.name
    models = _mark_built_in_place(models, interp, by_site)
    models = [_name_submodels(graph, name_of) for graph in models]
    models.sort(key=lambda m: (m.span.line, m.span.col))  # type: ignore[attr-defined]
    # A problem met on every pass of a loop is one; so is an unknown value met wherever it is used.
    unique: dict[tuple[int, str], Unsupported] = {}
    for found in problems:
        unique.setdefault((0 if found.cause else found.line, found.message), found)
    assumed = tuple(sorted(interp.assumed.values(), key=lambda a: a.line))
    distinct = tuple(unique.values())
    failed = [r for r in interp.records if r.unknown is not None and r.failed_building]
    building = {(r.unknown.line, r.unknown.message) for r in failed}  # type: ignore[union-attr]
    known = bool(distinct) and all((p.line, p.message) in building for p in distinct)
    styles = frozenset(r.style for r in failed) if known else None
    return ParsedModule(module, tuple(models), distinct, assumed, styles)


def _mark_built_in_place(
    models: list[ModelGraph],
    interp: Interpreter,
    by_site: dict[tuple[str, int, str], ModelGraph | None],
) -> list[ModelGraph]:
    """Flag the nested models another model builds in place: they convert with it."""
    part_ids = {layer.submodel for graph in models for layer in graph.layers if layer.in_place}
    parts = {
        id(graph)
        for record in interp.records
        if record.id in part_ids
        and (graph := by_site.get((record.block, record.statement, record.style))) is not None
    }
    return [
        replace(graph, built_in_place=True) if id(graph) in parts else graph for graph in models
    ]


def _name_submodels(graph: ModelGraph, name_of: dict[str, str]) -> ModelGraph:
    """Layers that are models refer to them by record id until every model has its name."""
    if not any(layer.submodel for layer in graph.layers):
        return graph
    layers = tuple(
        replace(layer, submodel=name_of.get(layer.submodel)) if layer.submodel else layer
        for layer in graph.layers
    )
    return replace(graph, layers=layers)
