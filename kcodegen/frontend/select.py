"""Which of a module's models a command works on: all of them, or the one the user named."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kcodegen.errors import BadInput
from kcodegen.ir import ModelGraph

if TYPE_CHECKING:
    from kcodegen.frontend.parse import ParsedModule


def select_models(parsed: ParsedModule, model: str | None) -> tuple[ModelGraph, ...]:
    """The models to work on: all, or the one called ``model`` (its name, its variable where a
    builder returns it through one, ``name=`` or class).
    Not the nested models another builds in place: they are its parts, and convert with it."""
    graphs = tuple(
        g
        for g in parsed.models
        if not g.built_in_place and (g.site.problem is None or not _has_instance(parsed, g))
    )
    if not graphs:
        if parsed.problems:
            return ()
        raise BadInput("no Keras model found")
    if model is None:
        return graphs
    chosen = tuple(
        g for g in graphs if model in (g.name, g.keras_name, g.class_name, g.site.binding)
    )
    if not chosen:
        known = ", ".join(sorted({g.name for g in graphs}))
        message = f"no model named {model!r} (models in this file: {known})"
        if parsed.problems:  # the model may be one of those kcg could not read
            first = parsed.problems[0]
            message += f"; kcg did not understand line {first.line}: {first.message}"
        raise BadInput(message)
    return chosen


def _has_instance(parsed: ParsedModule, graph: ModelGraph) -> bool:
    """A class that is instantiated is converted through its instance, not on its own."""
    return any(
        g is not graph and g.class_name == graph.class_name and g.class_name for g in parsed.models
    )
