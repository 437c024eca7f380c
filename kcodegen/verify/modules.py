"""Pair the models of two modules and make verification cases of them (static: parses, never runs)."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from kcodegen.errors import BadInput, KcgError
from kcodegen.frontend import parse_models, select_models
from kcodegen.ir import ModelGraph
from kcodegen.verify.runner import ModelSource, VerifyCase
from kcodegen.verify.signature import Range


class ModuleError(BadInput):
    """Bad input in one of the two modules (syntax, no model, unknown --model): names the file."""

    def __init__(self, path: str, error: KcgError) -> None:
        super().__init__(error.message, error.line, error.col)
        self.path = path


def added_classes(original_text: str, converted_text: str) -> frozenset[str]:
    """Classes the converted module defines and the original does not: the blocks a conversion
    wrote (``ConvBn``). The frontend reads through them, so their layers pair with the original's.
    """
    return frozenset(_class_names(converted_text) - _class_names(original_text))


def _class_names(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def model_pairs(
    original: Sequence[ModelGraph], converted: Sequence[ModelGraph]
) -> list[tuple[ModelGraph, ModelGraph]]:
    """Pair by name; when each side holds exactly one model, those two whatever their names."""
    if len(original) == len(converted) == 1:
        return [(original[0], converted[0])]
    by_name = {graph.name: graph for graph in converted}
    missing = [graph.name for graph in original if graph.name not in by_name]
    if missing:
        known = ", ".join(sorted(by_name)) or "none"
        raise BadInput(
            f"the converted file has no model named {', '.join(missing)} (its models: {known}); "
            "pick one with --model"
        )
    return [(graph, by_name[graph.name]) for graph in original]


def file_cases(
    original_text: str,
    converted_text: str,
    *,
    model: str | None = None,
    original_path: str = "original.py",
    converted_path: str = "converted.py",
    binds: Mapping[str, str] | None = None,
    input_shapes: Mapping[str, tuple[int | None, ...]] | None = None,
    input_ranges: Mapping[str | None, Range] | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-5,
) -> list[tuple[str, VerifyCase]]:
    """A case per model pair, named after the original's model.

    Raises ModuleError for a module that cannot be read, BadInput when the models do not pair.
    """
    graphs = []
    added = added_classes(original_text, converted_text)
    sides = (
        (original_text, original_path, frozenset[str]()),
        (converted_text, converted_path, added),
    )
    for text, path, follow in sides:
        try:
            parsed = parse_models(text, dict(input_shapes or {}), dict(binds or {}), follow)
            graphs.append(select_models(parsed, model))
        except KcgError as error:
            raise ModuleError(path, error) from None
    return [
        (
            ours.name,
            VerifyCase(
                ModelSource(original_text, ours, original_path, dict(binds or {})),
                ModelSource(converted_text, theirs, converted_path, dict(binds or {})),
                input_shapes=dict(input_shapes or {}),
                input_ranges=dict(input_ranges or {}),
                atol=atol,
                rtol=rtol,
            ),
        )
        for ours, theirs in model_pairs(*graphs)
    ]


def case_from_texts(
    original_text: str,
    converted_text: str,
    *,
    model: str | None = None,
    binds: Mapping[str, str] | None = None,
    input_shapes: Mapping[str, tuple[int | None, ...]] | None = None,
) -> VerifyCase:
    """The case of two modules that each hold one model (or the models called ``model``)."""
    cases = file_cases(
        original_text, converted_text, model=model, binds=binds, input_shapes=input_shapes
    )
    if len(cases) != 1:
        names = ", ".join(name for name, _ in cases)
        raise BadInput(f"the modules hold {len(cases)} models ({names}); pick one with model=")
    return cases[0][1]
