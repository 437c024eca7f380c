"""Abstract values of the interpreter.

Every value knows the source text that denotes it in the module's namespace (``text``): a layer
argument written inside a helper as ``Dense(units)`` is rendered with the caller's ``64`` when the
helper is inlined, while a module-level ``Dense(num_labels)`` keeps its name.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

# Methods of a string that only compute (no I/O, no state): run on constants as Python would.
STRING_METHODS = frozenset(
    [
        "capitalize",
        "casefold",
        "center",
        "count",
        "endswith",
        "find",
        "format",
        "index",
        "isalnum",
        "isalpha",
        "isdigit",
        "islower",
        "isnumeric",
        "isupper",
        "join",
        "ljust",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rjust",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "startswith",
        "strip",
        "swapcase",
        "title",
        "upper",
        "zfill",
    ]
)


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


class Method(Value):
    """A bound method of an abstract object, e.g. ``model.add``."""

    def __init__(self, owner: Value, name: str, text: str) -> None:
        self.owner = owner
        self.name = name
        self.text = text


class Array(Value):
    """A concrete array built from a constant shape (``tf.zeros((2, 7))``)."""

    def __init__(self, shape: tuple[int | None, ...], text: str) -> None:
        self.shape = shape
        self.text = text


def walk_values(value: Value) -> Iterator[Value]:
    """The value and every value inside its lists, tuples and dicts."""
    yield value
    if isinstance(value, SequenceVal):
        for item in value.items:
            yield from walk_values(item)
    elif isinstance(value, DictVal):
        for _, _, item in value.items:
            yield from walk_values(item)


def has_tensor(value: Value | None) -> bool:
    """Some tensor is in the value (``[x, 3]`` counts)."""
    return value is not None and any(isinstance(v, TensorVal) for v in walk_values(value))


def tensor_ids(value: Value) -> tuple[str, ...]:
    """The tensors a helper returned: one, or a tuple or list of them; () for anything else."""
    if isinstance(value, TensorVal):
        return (value.tensor_id,)
    if isinstance(value, SequenceVal) and all(isinstance(v, TensorVal) for v in value.items):
        return tuple(v.tensor_id for v in value.items if isinstance(v, TensorVal))
    return ()


def known_object(left: Value, right: Value) -> bool:
    """One side is None and the other an object the interpreter made or knows (a tuple, a
    function, an imported module): ``is`` can be decided. A training flag may be None."""
    made = (
        LayerVal,
        BlockVal,
        TensorVal,
        ModelVal,
        SequenceVal,
        DictVal,
        FunctionVal,
        ClassVal,
        SelfVal,
        InputLayerVal,
        Method,
        Array,
        Symbol,
    )
    return (isinstance(left, Const) and left.value is None and isinstance(right, made)) or (
        isinstance(right, Const) and right.value is None and isinstance(left, made)
    )


def literal_text(value: Value) -> str | None:
    """The value written as a Python literal (``320``, ``(1, 1)``), when it is made of
    constants and that text reads back as it (not for objects); else None."""
    found = constant(value)
    if found is None:
        return None
    text = repr(found.value)
    try:
        same = ast.literal_eval(text) == found.value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return text if same else None


def constant(value: Value) -> Const | None:
    """The value as one constant where it is made of constants only (``strides=(2, 2)`` passed
    down to ``if strides == (1, 1):``); else None."""
    if isinstance(value, Const):
        return value
    try:
        return Const(const_value(value), value.text)
    except LookupError:
        return None


def copied(value: Value, deep: bool) -> Value:
    """``copy.copy`` / ``copy.deepcopy`` of a value: new containers (a loop that changes the copy,
    ``args["filters_in"] = ...``, must leave the original as it was); what the interpreter made
    (layers, tensors) stays itself, as a builder never copies those."""
    if isinstance(value, Const):
        return Const(copy.deepcopy(value.value) if deep else copy.copy(value.value), value.text)
    if isinstance(value, SequenceVal):
        items = [copied(item, deep) if deep else item for item in value.items]
        return SequenceVal(items, value.kind, value.text)
    if isinstance(value, DictVal):
        pairs = [
            (key, text, copied(item, deep) if deep else item) for key, text, item in value.items
        ]
        return DictVal(pairs, value.text)
    return value


def written_out(value: SequenceVal | DictVal) -> str:
    """A container's contents as a literal, where every item is a constant (else ``""``)."""

    def plain(item: Value) -> Any:
        if isinstance(item, DictVal):
            return {key: plain(inner) for key, _, inner in item.items}
        if isinstance(item, SequenceVal):
            items = [plain(inner) for inner in item.items]
            return items if item.kind == "list" else tuple(items)
        return const_value(item)

    try:
        return repr(plain(value))
    except LookupError:
        return ""


def truth(value: Value) -> Const | None:
    """The value's truth as a constant, where it is known without running: a constant's, a known
    tuple's or dict's (``if input_shape:``), an object's the interpreter made (always true). A
    tensor has none: Keras refuses ``bool()`` of a symbolic tensor."""
    if isinstance(value, Const):
        return value
    if isinstance(value, (SequenceVal, DictVal)):
        return Const(bool(value.items), value.text)
    if known_object(Const(None, "None"), value) and not isinstance(value, TensorVal):
        return Const(True, value.text)
    return None


def as_identity(value: Value) -> Value:
    """A made object as a constant that is not None, for ``is`` against None."""
    return value if isinstance(value, Const) else Const(object(), value.text)


def iterate(value: Value) -> list[Value] | None:
    """The items a ``for`` over the value visits; None when only the running program knows them."""
    if isinstance(value, SequenceVal):
        return list(value.items)
    if isinstance(value, DictVal):
        return [Const(k, text) for k, text, _ in value.items]
    if isinstance(value, Const) and isinstance(value.value, (list, tuple, range, str)):
        return [const_of(v) for v in value.value]
    return None


def const_of(value: Any) -> Value:
    """A Python value as a constant; a tuple as a tuple of constants, so it unpacks."""
    if isinstance(value, tuple):
        return SequenceVal([const_of(v) for v in value], "tuple", repr(value))
    return Const(value, repr(value))


def const_shape(value: Value | None) -> tuple[int | None, ...] | None:
    """A shape written as a constant (``(28, 28)``, ``[None, 7]``, ``7``), or None."""
    if value is None:
        return None
    try:
        raw = const_value(value)
    except LookupError:
        return None
    if isinstance(raw, int):
        raw = (raw,)
    if isinstance(raw, (list, tuple)) and all(d is None or isinstance(d, int) for d in raw):
        return tuple(raw)
    return None
