"""Abstract values of the interpreter.

Every value knows the source text that denotes it in the module's namespace (``text``): a layer
argument written inside a helper as ``Dense(units)`` is rendered with the caller's ``64`` when the
helper is inlined, while a module-level ``Dense(num_labels)`` keeps its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst


class Value:
    text: str


@dataclass
class Const(Value):
    """A value known statically (numbers, strings, tuples of them)."""

    value: Any
    text: str


@dataclass
class Opaque(Value):
    """A value only known at run time, kept as source text."""

    text: str


@dataclass
class Unknown(Value):
    """A name bound under control flow the interpreter cannot follow; using it as structure is refused."""

    text: str
    line: int
    reason: str


@dataclass
class Symbol(Value):
    """A module, class or function reached through imports, by canonical dotted name."""

    qualname: str
    text: str


@dataclass
class LayerVal(Value):
    layer_id: str
    text: str


@dataclass
class TensorVal(Value):
    tensor_id: str
    text: str


@dataclass
class TrainingFlag(Value):
    """The ``training`` argument of a subclass's ``call``: forwarded, not a structural value."""

    text: str = "training"


@dataclass
class SequenceVal(Value):
    items: list[Value]
    kind: str  # "list" or "tuple"
    text: str


@dataclass
class DictVal(Value):
    items: list[tuple[Any, str, Value]]  # (key value, key source text, value)
    text: str


@dataclass
class FunctionVal(Value):
    node: cst.FunctionDef
    closure: Any  # the Frame the function was defined in
    text: str
    home: int  # the top-level statement holding the definition (where its positions are found)


@dataclass
class ClassVal(Value):
    node: cst.ClassDef
    kind: str  # "model", "layer" or "other"
    text: str
    statement: int | None  # module-level statement index
    home: int  # the top-level statement holding the definition (where its positions are found)


@dataclass
class SelfVal(Value):
    """``self`` while interpreting a subclass's ``__init__`` and ``call``."""

    attrs: dict[str, Value] = field(default_factory=dict)
    text: str = "self"


@dataclass
class BlockVal(Value):
    """An instance of a Layer class of the module whose code is followed (see ``parse_models``'s
    ``follow``): its layers become the model's own, found through ``self_val``'s attributes."""

    cls: ClassVal
    self_val: SelfVal
    text: str
    built: bool = False  # its ``build()`` has run (at its first call)
    path: str | None = None  # where the model keeps it, once known


@dataclass
class InputLayerVal(Value):
    """``keras.Input(...)`` or ``InputLayer(...)`` inside a Sequential list: describes the input only."""

    kwargs: list[tuple[str, str]]
    shape_text: str | None
    shape: tuple[int | None, ...] | None
    text: str
    line: int
    scope: str = ""  # see InputSpec
    local_shape_text: str | None = None


@dataclass
class ModelVal(Value):
    """A model under construction or built; ``record`` is the frontend's ModelRecord."""

    record: Any
    text: str


def const_value(value: Value) -> Any:
    """The Python value of a Const (recursively for sequences), or raise LookupError."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, SequenceVal):
        items = [const_value(item) for item in value.items]
        return items if value.kind == "list" else tuple(items)
    raise LookupError(value.text)
