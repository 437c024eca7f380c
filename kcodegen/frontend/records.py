"""Models as the interpreter meets them, before they are frozen into ModelGraphs."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.values import ClassVal, InputLayerVal, LayerVal, SelfVal, Value
from kcodegen.ir import Span, Style


@dataclass
class SequentialEntry:
    value: LayerVal | InputLayerVal
    origin: tuple[tuple[str, int], ...]
    comments: tuple[str, ...] = ()
    trailing: str | None = None


@dataclass
class ModelRecord:
    id: str
    style: Style
    block: str  # "" for the module, else the module-level function whose body defines it
    statement: int  # index of the creating statement in that block
    binding: str | None  # variable that receives the model; None when it is returned
    span: Span
    keras_name: str | None = None
    name_text: str | None = None  # the name= argument as written
    comments: tuple[str, ...] = ()
    # functional
    inputs: Value | None = None
    outputs: Value | None = None
    # sequential
    entries: list[SequentialEntry] = field(default_factory=list)
    # subclass
    class_val: ClassVal | None = None
    self_val: SelfVal | None = None
    input_tensors: list[str] = field(default_factory=list)
    input_kind: str = "single"
    input_keys: list[str] = field(default_factory=list)
    call_param: str = "inputs"
    # Shapes observed after creation: model.build((None, 7)) or model(tf.zeros((2, 7))), with batch.
    # Keyed by input position, or by key for dict inputs.
    built_shapes: list[dict[object, tuple[int | None, ...]]] = field(default_factory=list)
    built_dtypes: dict[object, str] = field(default_factory=dict)  # from model(keras.Input(...))
    built_names: dict[object, str] = field(default_factory=dict)  # ...Input(name=...) there
    # The calls that only build the model, with their (block, statement index): part of the site
    # when they directly follow it, so a conversion replaces them with what the target needs.
    builds: list[tuple[str, int, cst.Call]] = field(default_factory=list)
    # Why the model is not known after all: a statement kcg could not follow may change it.
    unknown: Unsupported | None = None
    # ``unknown`` was met building this very model (its inputs, its layers, its call()), not in
    # code around it: the model is still known to be of its style.
    failed_building: bool = False
    # Statements (block, index) that configure the model after it exists (.add).
    extra_statements: set[int] = field(default_factory=set)
    # The arguments of the call of ``block`` that built it, by parameter (a builder function's).
    arguments: dict[str, Value] = field(default_factory=dict)
    # Made by a function the module never calls, run with its defaults to find models in it.
    explored: bool = False
    # The expression that constructed the model, its values filled in (``keras.Sequential([...])``),
    # and the names it reads as written (``name`` in ``name=f"{name}_stem"``).
    text: str | None = None
    reads: frozenset[str] = frozenset()
