"""The inputs both models are fed, derived from the IR: shapes, dtypes and value ranges.

Static: the worker draws the actual arrays (``feed.py``). A shape unknown in one file is taken from
the other; ``--input-shape`` overrides both. Integer inputs consumed by an ``Embedding`` are drawn
below its ``input_dim`` — as a number when the IR has one, else as the expression the author wrote
(``vocab_size``), evaluated by the worker where the original model is built.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from kcodegen.ir import InputSpec, ModelGraph

_INTEGER_INPUT_LAYERS = ("keras.layers.Embedding",)
STRUCTURES = ("single", "list", "dict")
Range = tuple[float, float]


class InputError(ValueError):
    """The inputs cannot be derived (an unknown shape, a bad range): the user must say more."""


@dataclass(frozen=True)
class InputSignature:
    """One model input: its key (dict inputs), shape without the batch dimension, dtype, values."""

    key: str | None
    shape: tuple[int | None, ...]  # None dimensions are filled with a small size
    dtype: str = "float32"
    maxval: int | None = None  # integers are drawn from [0, maxval), e.g. an Embedding's input_dim
    maxval_text: str | None = None  # maxval as written, when it is not a literal
    value_range: Range | None = None  # --input-range: draw uniformly from [low, high) instead


def input_signature(
    original: ModelGraph,
    converted: ModelGraph,
    *,
    input_shapes: Mapping[str, tuple[int | None, ...]] | None = None,
    input_ranges: Mapping[str | None, Range] | None = None,
) -> tuple[list[InputSignature], str]:
    """The signature of the original's inputs and their structure ("single", "list" or "dict").

    ``input_ranges`` maps an input name (or None, for every input) to the range its values come from.
    """
    shapes, ranges = input_shapes or {}, input_ranges or {}
    unknown = {name for name in ranges if name is not None} - {s.name for s in original.inputs}
    if unknown:
        raise InputError(f"--input-range names no input of the model: {', '.join(sorted(unknown))}")
    structure = original.input_structure
    keys = dict(zip(structure.tensors, structure.keys, strict=False))
    specs: list[InputSignature] = []
    for index, spec in enumerate(original.inputs):
        shape = shapes.get(spec.name) or spec.shape or _twin_shape(converted, spec, index)
        if shape is None:
            raise InputError(
                f"the shape of input `{spec.name}` is unknown; pass --input-shape {spec.name}=..."
            )
        key = str(_literal(keys[spec.tensor])) if structure.kind == "dict" else None
        dtype, maxval, maxval_text = _values(original, spec)
        value_range = ranges.get(spec.name, ranges.get(None))
        specs.append(InputSignature(key, shape, dtype, maxval, maxval_text, value_range))
    if structure.kind == "single" and len(specs) != 1:
        raise InputError(f"a model with a single input has {len(specs)} inputs in the IR")
    return specs, "list" if structure.kind == "tuple" else structure.kind


def input_names(graph: ModelGraph) -> list[str] | None:
    """The names a model taking a list of inputs also accepts them by, as a dict: a Functional
    model's inputs named with ``keras.Input(name=...)``. None when they are not all named."""
    if not graph.takes_inputs_by_name:
        return None
    return [spec.keras_name for spec in graph.inputs if spec.keras_name is not None]


def _twin_shape(
    converted: ModelGraph, spec: InputSpec, index: int
) -> tuple[int | None, ...] | None:
    by_name = {other.name: other for other in converted.inputs}
    twin = by_name.get(spec.name) or (
        converted.inputs[index] if index < len(converted.inputs) else None
    )
    return twin.shape if twin is not None else None


def _values(graph: ModelGraph, spec: InputSpec) -> tuple[str, int | None, str | None]:
    """dtype, and the integer bound when an Embedding reads the input."""
    for node in graph.nodes:
        layer = graph.layer_by_id[node.layer]
        if layer.cls in _INTEGER_INPUT_LAYERS and spec.tensor in graph.step_inputs(node):
            dim = layer.args[0] if layer.args else layer.kwarg("input_dim")
            dtype = spec.dtype if spec.dtype and "int" in spec.dtype else "int32"
            if dim is None:
                return dtype, None, None
            value = _literal(dim)
            return (dtype, value, None) if isinstance(value, int) else (dtype, None, dim)
    return spec.dtype or "float32", None, None


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
