"""One call of a layer, one recorded ``keras.ops`` call, one input: as a statement."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any

from kcodegen.saved.arguments import value_text
from kcodegen.saved.config_graph import Call, SavedLayer, TensorKey
from kcodegen.saved.statements import Names, Statement

# ``keras.ops`` classes Python writes as operators, as a Keras 3 config records ``a + b``.
_BINARY = {
    "Add": "+",
    "Subtract": "-",
    "Multiply": "*",
    "TrueDivide": "/",
    "Divide": "/",
    "FloorDivide": "//",
    "Mod": "%",
    "Power": "**",
    "Matmul": "@",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def op_function(class_name: str) -> str:
    """``ExpandDims`` -> ``expand_dims``: the ``keras.ops`` function a recorded op class is."""
    return _CAMEL.sub("_", class_name).lower()


def call_statement(
    call: Call, layer: SavedLayer, callee: str, writes: list[TensorKey], hint: str
) -> Statement:
    """``callee(args)``: ``callee`` is the layer's constructor call or the variable holding it."""
    kwargs = {
        key: value
        for key, value in call.kwargs.items()
        if not _recorded_default(key, value, layer.kind)
    }

    def render(names: Names) -> str:
        return f"{callee}({_arguments(call.args, kwargs, names)})"

    return Statement(list(call.tensors()), list(writes), render, hint)


def _recorded_default(key: str, value: Any, kind: str) -> bool:
    """What Keras records of a call that its author did not write: ``mask=None``, and a layer's
    ``training=False`` (its signature's default, taken while the model was built; the Functional
    model passes its own ``training`` over it, so it never holds). A nested model's is kept: Keras
    records it only when given (``base_model(x, training=False)``)."""
    return value is None or (key == "training" and value is False and kind == "layer")


def op_statement(call: Call, layer: SavedLayer, writes: list[TensorKey], hint: str) -> Statement:
    """``a + b``, ``x[:, :2]``, ``ops.mean(x, axis=1)``: an op as its author wrote it."""
    class_name = layer.class_name
    options = {k: v for k, v in layer.config.items() if k != "name"}
    args = call.args

    def render(names: Names) -> str:
        if class_name in _BINARY and len(args) == 2 and not options and not call.kwargs:
            return f"{_operand(args[0], names)} {_BINARY[class_name]} {_operand(args[1], names)}"
        if class_name == "Negative" and len(args) == 1 and not options:
            return f"-{_operand(args[0], names)}"
        if class_name == "GetItem" and len(args) == 2 and not options:
            return f"{_operand(args[0], names)}[{_index(args[1], names)}]"
        keywords = {**_without_defaults(options), **call.kwargs}
        return f"ops.{op_function(class_name)}({_arguments(args, keywords, names)})"

    return Statement(list(call.tensors()), list(writes), render, hint)


def _without_defaults(options: dict[str, Any]) -> dict[str, Any]:
    """An op's recorded options without ``keepdims=False``, every ``keras.ops`` reduction's
    default."""
    return {k: v for k, v in options.items() if not (k == "keepdims" and v is False)}


def _arguments(args: list[Any], kwargs: dict[str, Any], names: Names) -> str:
    parts = [_value(arg, names) for arg in args]
    parts += [f"{key}={_value(value, names)}" for key, value in kwargs.items()]
    return ", ".join(parts)


def _value(value: Any, names: Callable[[Hashable], str]) -> str:
    """A call argument: tensors by name, lists of them as lists, the rest as config values."""
    if isinstance(value, TensorKey):
        return names(value)
    if isinstance(value, list) and any(_has_tensor(item) for item in value):
        return "[" + ", ".join(_value(item, names) for item in value) + "]"
    if isinstance(value, dict) and any(_has_tensor(item) for item in value.values()):
        items = (f"{value_text(k)}: {_value(v, names)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return value_text(value)


def _has_tensor(value: Any) -> bool:
    if isinstance(value, TensorKey):
        return True
    if isinstance(value, list):
        return any(_has_tensor(item) for item in value)
    if isinstance(value, dict):
        return any(_has_tensor(item) for item in value.values())
    return False


def _operand(value: Any, names: Names) -> str:
    """An operand, in parentheses when it is itself an expression (``-x``, ``1 / 255``)."""
    text = _value(value, names)
    expression = text.startswith("-") or (isinstance(value, float) and " / " in text)
    return f"({text})" if expression else text


def _index(value: Any, names: Names) -> str:
    """``[slice, 0]`` as written in brackets: ``:, 0``."""
    items = value if isinstance(value, list) else [value]
    return ", ".join(_index_item(item, names) for item in items)


def _index_item(item: Any, names: Names) -> str:
    if isinstance(item, dict) and item.get("class_name") == "__slice__":
        config = item.get("config", {})
        start, stop, step = (config.get(k) for k in ("start", "stop", "step"))
        text = f"{'' if start is None else start}:{'' if stop is None else stop}"
        return f"{text}:{step}" if step is not None else text
    if isinstance(item, dict) and item.get("class_name") == "__ellipsis__":
        return "..."
    return _value(item, names)
