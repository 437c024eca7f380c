"""A layer's saved config as the constructor call a person writes.

A config lists every argument; the call names the required ones positionally and, of the others,
those that differ from the defaults of the Keras that wrote the file. The defaults come from
``defaults.json`` (``tools/keras_defaults.py`` reads it from the installed Keras, in the form
``get_config()`` writes them), so values are compared as configs, never as text, and Keras is not
imported. A file from another Keras version keeps every argument: its defaults may differ.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kcodegen.saved.errors import Unwritable

TABLE = Path(__file__).with_name("defaults.json")

# Keras's own layers; other ``keras.*`` modules hold classes that are not public layers.
KERAS_LAYERS = "keras.layers"

# Keys of a serialized object that are bookkeeping, not arguments.
BOOKKEEPING = {"shared_object_id"}

# Parameters that take a list of values or layers, not a shape: written as lists.
LISTS = {"bin_boundaries", "cells", "idf_weights", "layers", "mean", "variance", "vocabulary"}

# Sizes an integer stands for in every dimension: a 1D layer's one-item tuple is written as it.
SIZES = {"kernel_size", "strides", "dilation_rate", "pool_size"}

# Base ``Layer`` keywords whose defaults hold for any layer, custom ones included.
BASE_KEYS = ("trainable", "dtype")
# The base ``Layer`` keywords in the order a custom layer's call writes them, after its own.
BASE_ORDER = ["activity_regularizer", "trainable", "dtype", "autocast", "name"]


@dataclass(frozen=True)
class Argument:
    key: str  # config key == constructor parameter name
    text: str  # Python source of the value
    positional: bool  # written positionally (a leading required parameter)
    default: bool  # equal to the default in the table (the writer leaves it out unless it needs it)


@dataclass(frozen=True)
class Constructor:
    callee: str  # "layers.Dense" for a Keras layer; "MyLayer" for a custom class
    import_line: str | None  # "from my_pkg.layers import MyLayer" for a custom class
    arguments: tuple[Argument, ...]  # in signature order (keys the table does not know after)


@cache
def table() -> dict[str, Any]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def defaults_for(keras_version: str | None) -> dict[str, Any] | None:
    """The table when the file's Keras has the same major.minor as the one it was read from;
    ``None`` otherwise (every argument is then written)."""
    if keras_version is None:
        return None
    return (
        table() if minor_version(keras_version) == minor_version(table()["keras_version"]) else None
    )


def minor_version(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def layer_constructor(
    entry: Mapping[str, Any], keras_version: str | None, custom_modules: Sequence[str] = ()
) -> Constructor:
    """``entry``: one layer's serialized dict (``module``, ``class_name``, ``config``, ...)."""
    return Writer(defaults_for(keras_version)).constructor(entry, custom_modules)


def value_text(value: Any, keras_version: str | None = None) -> str:
    """Any config value as Python source: JSON lists as tuples, serialized objects as calls
    (nested layers with the defaults of ``keras_version`` left out)."""
    return Writer(defaults_for(keras_version)).text(value)


def call_text(constructor: Constructor, keep: Collection[str] = ()) -> str:
    """``layers.Dense(64, activation="relu")``: the non-default arguments and those in ``keep``."""
    written = [a for a in constructor.arguments if not a.default or a.key in keep]
    parts = [a.text if a.positional else f"{a.key}={a.text}" for a in written]
    return f"{constructor.callee}({', '.join(parts)})"


def same(left: Any, right: Any) -> bool:
    """Config equality: structural, ``True`` is not ``1``, bookkeeping keys do not count."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        keys = (set(left) | set(right)) - BOOKKEEPING
        return all(k in left and k in right and same(left[k], right[k]) for k in keys)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(same, left, right))
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


def auto_name(name: Any, class_name: str) -> bool:
    """A name Keras made up (``conv2d_3``; ``forward_lstm`` as ``Bidirectional`` renames its
    layer): leaving it out changes nothing a person chose."""
    pattern = rf"(forward_|backward_)?{re.escape(snake_case(class_name))}(_\d+)?"
    return isinstance(name, str) and re.fullmatch(pattern, name) is not None


def snake_case(name: str) -> str:
    """Keras's ``to_snake_case``: ``Conv2D`` -> ``conv2d``, ``LSTMCell`` -> ``lstm_cell``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", re.sub(r"\W+", "", name))
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def string_text(value: str) -> str:
    """``repr`` with double quotes, as black writes strings."""
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        return '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def number_text(value: int | float) -> str:
    """``0.00392156862745098`` as ``1 / 255``, as its author wrote it: the same float."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    text = repr(value)
    if isinstance(value, float) and len(text) > 10 and 0 < abs(value) < 1:
        divisor = round(1 / abs(value))
        if 1 < divisor < 10**6 and 1 / divisor == abs(value):
            return f"{'-' if value < 0 else ''}1 / {divisor}"
    return text


@dataclass(frozen=True)
class Writer:
    """Writes configs as code with the defaults of one Keras version (``None``: all written)."""

    known: dict[str, Any] | None

    def constructor(self, entry: Mapping[str, Any], custom_modules: Sequence[str]) -> Constructor:
        class_name = entry["class_name"]
        config = entry.get("config") or {}
        name = config.get("name", entry.get("name"))
        if class_name == "Lambda":
            raise Unwritable(
                "a Lambda layer's code is not in the saved file; "
                "rewrite it as a named layer class and save again",
                layer=name,
            )
        module = entry.get("module")
        if is_keras_layer(module, class_name):
            arguments = self.layer_arguments(class_name, config, entry.get("build_config"))
            return Constructor(f"layers.{class_name}", None, arguments)
        source = custom_module(module, class_name, custom_modules, name)
        arguments = self.custom_arguments(class_name, config)
        return Constructor(class_name, f"from {source} import {class_name}", arguments)

    def layer_arguments(
        self, class_name: str, config: Mapping[str, Any], build: Any = None
    ) -> tuple[Argument, ...]:
        """In signature order, required ones positional; the defaults and the extras a
        constructor does not take are the file's Keras version's (another version's: none),
        and so are the values a layer derives from its other arguments (``implied``)."""
        spec = table()["layers"].get(class_name)
        if spec is None:
            return self.custom_arguments(class_name, config)
        if class_name == "Bidirectional" and self.known:
            config = {key: unforced(value) for key, value in config.items()}
        defaults = {**spec["defaults"], **implied(class_name, config, build)} if self.known else {}
        extras = spec["extras"] if self.known else []
        order = [k for k in spec["parameters"] if k in config]
        order += [k for k in config if k not in spec["parameters"] and k not in extras]
        positional = leading(spec["positional"], config)
        return tuple(
            Argument(
                key,
                self.argument_text(key, config[key]),
                key in positional,
                self.is_default(class_name, key, config, defaults),
            )
            for key in order
        )

    def custom_arguments(self, class_name: str, config: Mapping[str, Any]) -> tuple[Argument, ...]:
        """Every key as a keyword, the class's own first and the base ``Layer`` keywords after
        (``name`` last, as a layer is written); only those can be known defaults."""
        base = self.known["layers"]["Layer"]["defaults"] if self.known else {}
        own = [key for key in config if key not in BASE_ORDER]
        order = own + sorted((k for k in config if k in BASE_ORDER), key=BASE_ORDER.index)
        config = {key: config[key] for key in order}
        return tuple(
            Argument(
                key,
                self.argument_text(key, value),
                False,
                self.known is not None
                and (
                    (key in BASE_KEYS and key in base and same(value, base[key]))
                    or (key == "name" and auto_name(value, class_name))
                ),
            )
            for key, value in config.items()
        )

    def is_default(
        self, class_name: str, key: str, config: Mapping[str, Any], defaults: Mapping[str, Any]
    ) -> bool:
        if self.known is None:
            return False
        if key == "name":
            return auto_name(config[key], class_name)
        if key == "backward_layer" and class_name == "Bidirectional":
            return mirrored(config.get("layer"), config[key])
        if key == "axis" and isinstance(defaults.get(key), int):  # built, -1 becomes [-1]
            return same(config[key], defaults[key]) or same(config[key], [defaults[key]])
        return key in defaults and same(config[key], defaults[key])

    def argument_text(self, key: str, value: Any) -> str:
        policy = policy_name(value) if key == "dtype" else None
        if policy is not None:
            return string_text(policy)
        if key in LISTS and isinstance(value, list):
            return self.list_text(value)
        if key in SIZES and isinstance(value, list) and len(value) == 1:
            return self.text(value[0])  # a 1D layer's (3,) as the 3 it was given
        return self.text(value)

    def list_text(self, value: Any) -> str:
        """Values, not a shape: lists all the way down (an array's rows too)."""
        if isinstance(value, list):
            return "[" + ", ".join(self.list_text(item) for item in value) + "]"
        return self.text(value)

    def text(self, value: Any) -> str:
        if value is None or isinstance(value, bool):
            return repr(value)
        if isinstance(value, int | float):
            return number_text(value)
        if isinstance(value, str):
            return string_text(value)
        if isinstance(value, list | tuple):
            return tuple_text([self.text(item) for item in value])
        if isinstance(value, Mapping) and "class_name" in value:
            return self.object_text(value)
        if isinstance(value, Mapping):
            items = (f"{self.text(k)}: {self.text(v)}" for k, v in value.items())
            return "{" + ", ".join(items) + "}"
        raise Unwritable(f"a config value of type {type(value).__name__} has no source form")

    def object_text(self, value: Mapping[str, Any]) -> str:
        """A serialized object: Keras's tuples, arrays and bytes as literals, a nested layer as
        its call, an initializer, regularizer, constraint or policy as its constructor."""
        class_name, config = value["class_name"], value.get("config") or {}
        if class_name == "__tuple__":
            return self.text(tuple(value["items"]))
        if class_name in ("__numpy__", "__tensor__"):
            return self.list_text(config["value"])
        if class_name == "__bytes__":
            return repr(config["value"].encode("utf-8"))
        if class_name == "__ellipsis__":
            return "..."
        if class_name == "__slice__":
            bounds = (self.text(config[k]) for k in ("start", "stop", "step"))
            return f"slice({', '.join(bounds)})"
        if class_name == "function":
            return function_text(value)
        if class_name.startswith("__"):
            raise Unwritable(f"a saved `{class_name}` value has no source form")
        module = value.get("module") or self.known_module(class_name)
        if module is None or not module.startswith("keras"):
            raise Unwritable(
                f"custom class `{class_name}` inside a layer's arguments "
                "needs its own import; kcg writes custom classes only as whole layers"
            )
        if is_keras_layer(module, class_name):
            return call_text(self.constructor(value, ()))
        return self.keras_object_text(f"{module}.{class_name}", config or {})

    def keras_object_text(self, callee: str, config: Mapping[str, Any]) -> str:
        """Keywords in signature order, the object's own defaults left out where known."""
        spec = self.known["objects"].get(callee) if self.known else None
        defaults = spec["defaults"] if spec else {}
        order = list(config)
        if spec:
            order.sort(key=(spec["parameters"] + order).index)
        written = [
            f"{key}={self.text(config[key])}"
            for key in order
            if key not in BOOKKEEPING and not (key in defaults and same(config[key], defaults[key]))
        ]
        return f"{callee}({', '.join(written)})"

    def known_module(self, class_name: str) -> str | None:
        """The module of an object saved without one (Keras 2 files): a layer, initializer,
        regularizer or constraint the table knows by its class name."""
        if class_name in table()["layers"]:
            return KERAS_LAYERS
        modules = [name.rsplit(".", 1) for name in table()["objects"]]
        return next((module for module, name in modules if name == class_name), None)


def is_keras_layer(module: str | None, class_name: str) -> bool:
    """A public Keras layer: saved from ``keras.layers``, or without a module (Keras 2) under
    a name the table knows."""
    if module is None:
        return class_name in table()["layers"]
    return module == KERAS_LAYERS


def custom_module(
    module: str | None, class_name: str, custom_modules: Sequence[str], name: str | None
) -> str:
    """Where to import a class Keras does not export: a ``keras.*`` module as saved (ConvNeXt's
    ``LayerScale``), else the first ``--custom-module``, else the module the file names."""
    if module and module.startswith("keras"):
        return module
    if custom_modules:
        return custom_modules[0]
    if module and module not in ("__main__", "builtins"):
        return module
    raise Unwritable(
        f"custom class `{class_name}` does not say which module defines it; "
        "name it with --custom-module",
        layer=name,
    )


def leading(positional: Sequence[str], config: Mapping[str, Any]) -> set[str]:
    """The leading required parameters present in the config, up to the first one missing."""
    present = []
    for key in positional:
        if key not in config:
            break
        present.append(key)
    return set(present)


def mirrored(forward: Any, backward: Any) -> bool:
    """Whether ``backward`` is the layer ``Bidirectional`` makes from ``forward`` when given none:
    the same class and config, ``go_backwards`` flipped, ``forward_`` renamed ``backward_``."""
    if not all(
        isinstance(e, Mapping) and isinstance(e.get("config"), Mapping) for e in (forward, backward)
    ):
        return False
    config = dict(forward["config"])
    base = str(config.get("name", "")).removeprefix("forward_")
    config.update(go_backwards=not config.get("go_backwards", False), name=f"backward_{base}")
    return forward["class_name"] == backward["class_name"] and same(config, backward["config"])


def implied(class_name: str, config: Mapping[str, Any], build: Any) -> dict[str, Any]:
    """What a layer derives from its other arguments (or, built, from its input's rank) when
    given none, which its config then holds as if given: the value its constructor's ``None``
    means."""
    found: dict[str, Any] = {}
    if class_name == "MultiHeadAttention":
        found["value_dim"] = config.get("key_dim")
        shapes = build.get("shapes_dict") if isinstance(build, Mapping) else None
        query = shapes.get("query_shape") if isinstance(shapes, Mapping) else None
        if isinstance(query, list):
            found["attention_axes"] = list(range(1, len(query) - 1))
    if re.fullmatch(r"(Max|Average)Pooling[123]D", class_name) and "pool_size" in config:
        found["strides"] = config["pool_size"]
    return found


def unforced(value: Any) -> Any:
    """A recurrent layer given to ``Bidirectional`` without the ``zero_output_for_mask`` it
    forces (its ``return_sequences``): the layer as its author wrote it."""
    if not (isinstance(value, Mapping) and isinstance(value.get("config"), Mapping)):
        return value
    config = dict(value["config"])
    if "zero_output_for_mask" in config and same(
        config["zero_output_for_mask"], config.get("return_sequences", False)
    ):
        del config["zero_output_for_mask"]
    return {**value, "config": config}


def policy_name(value: Any) -> str | None:
    """``"float32"`` for a dtype saved as a string or as a plain ``DTypePolicy``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and value.get("class_name") == "DTypePolicy":
        config = value.get("config") or {}
        if set(config) == {"name"} and isinstance(config["name"], str):
            return config["name"]
    return None


def function_text(value: Mapping[str, Any]) -> str:
    """A saved function: a Keras one by its public path (``keras.activations.gelu``)."""
    module, name = value.get("module"), value.get("config")
    if isinstance(name, str) and module and module.startswith("keras"):
        return f"{module}.{name}"
    raise Unwritable(
        f"the function `{name}` from module `{module}` needs its own import; "
        "kcg writes only Keras functions inside a layer's arguments"
    )


def tuple_text(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
