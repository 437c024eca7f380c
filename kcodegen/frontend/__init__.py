"""libcst source -> ModelGraphs, by abstract interpretation (see ``interpreter``)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from kcodegen.frontend.errors import FrontendError, Unsupported
from kcodegen.frontend.freeze import freeze
from kcodegen.frontend.interpreter import Interpreter
from kcodegen.ir import ModelGraph


@dataclass(frozen=True)
class ParsedModule:
    module: cst.Module
    models: tuple[ModelGraph, ...]
    problems: tuple[Unsupported, ...]  # constructs that stopped a model from being understood


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
) -> ParsedModule:
    """Every Keras model the module builds, in source order.

    ``input_shapes`` fills in unknown input shapes by input name; ``binds`` gives module-level names
    the values their (data-dependent) statements would compute, as Python literals.
    """
    module = parse_module(source)
    interp = Interpreter(module, input_shapes or {}, binds)
    interp.run()
    models: list[ModelGraph] = []
    problems = list(interp.problems)
    seen_sites: set[tuple[str, int, str]] = set()
    for record in interp.records:
        key = (record.block, record.statement, record.style)
        if key in seen_sites:
            continue  # a builder function called twice defines one model
        seen_sites.add(key)
        try:
            models.append(freeze(record, interp))
        except Unsupported as problem:
            problems.append(problem)
    models.sort(key=lambda m: (m.span.line, m.span.col))  # type: ignore[attr-defined]
    return ParsedModule(module, tuple(models), tuple(problems))


__all__ = ["FrontendError", "ParsedModule", "Unsupported", "parse_models", "parse_module"]
