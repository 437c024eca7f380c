"""Read the installed Keras's layer constructors into ``kcodegen/saved/defaults.json``.

A saved model's config lists every argument of every layer; the code a person writes names only
those that differ from the defaults. The defaults are taken in the form ``get_config()`` writes
them (``"glorot_uniform"`` is a serialized ``GlorotUniform``, ``activation=None`` is ``"linear"``),
so the converter compares configs with configs and never imports Keras itself.

``python tools/keras_defaults.py`` rewrites the table; ``--check`` exits 1 and prints the
differences when the table and the installed Keras disagree.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # after the log level: TensorFlow reads it on import
from keras import layers

TABLE = Path(__file__).resolve().parents[1] / "kcodegen" / "saved" / "defaults.json"

# Classes left out: abstract, wrapping foreign code (JAX, torch, SavedModel), or code that a config
# cannot hold (Lambda).
LEFT_OUT = {
    "FlaxLayer",
    "InputLayer",
    "JaxLayer",
    "Lambda",
    "TFSMLayer",
    "TorchModuleWrapper",
    "Wrapper",
}

# Two values for a required parameter, by its name: a default that changes between the two
# instances depends on a required argument, so it is no default at all (always written).
BY_NAME: dict[str, tuple[Any, Any]] = {
    "activation": ("relu", "tanh"),
    "axes": (1, 2),
    "dims": ((1,), (2, 1)),
    "equation": ("ab,bc->ac", "ab,bc->ac"),
    "factor": (0.1, 0.2),
    "filters": (2, 3),
    "head_dim": (2, 3),
    "height": (4, 5),
    "height_factor": (0.1, 0.2),
    "input_dim": (5, 6),
    "kernel_size": (3, 5),
    "key_dim": (2, 3),
    "max_number": (2, 3),
    "n": (2, 3),
    "num_bins": (2, 3),
    "num_heads": (2, 3),
    "num_key_value_heads": (1, 2),
    "num_query_heads": (2, 4),
    "output_dim": (2, 3),
    "output_shape": (2, 3),
    "output_size": (2, 3),
    "pool_size": (2, 3),
    "rate": (0.5, 0.25),
    "scale": (0.5, 0.25),
    "stddev": (0.1, 0.2),
    "target_shape": ((2,), (3,)),
    "units": (2, 3),
    "width": (4, 5),
    "width_factor": (0.1, 0.2),
}


def wrapped(variant: int) -> dict[str, Any]:
    return {"layer": layers.Dense(2 + variant)}


def rnn_cell(variant: int) -> dict[str, Any]:
    return {"cell": layers.LSTMCell(2 + variant)}


def cells(variant: int) -> dict[str, Any]:
    return {"cells": [layers.LSTMCell(2 + variant)]}


def pipeline(variant: int) -> dict[str, Any]:
    return {"layers": [layers.Rescaling(0.5 + variant)]}


def recurrent_layer(variant: int) -> dict[str, Any]:
    return {"layer": layers.LSTM(2 + variant)}


def given(*variants: dict[str, Any]) -> Callable[[int], dict[str, Any]]:
    return lambda variant: variants[variant]


# Classes whose required arguments their names do not tell, or that need optional ones.
BY_CLASS: dict[str, Callable[[int], dict[str, Any]]] = {
    "Bidirectional": recurrent_layer,
    "CategoryEncoding": given({"num_tokens": 4}, {"num_tokens": 5}),
    "Discretization": given({"num_bins": 2}, {"num_bins": 3}),
    "RandomPosterization": given({"factor": 2}, {"factor": 3}),
    "Pipeline": pipeline,
    "RNN": rnn_cell,
    "SpectralNormalization": wrapped,
    "StackedRNNCells": cells,
    "TimeDistributed": wrapped,
}

# Base ``Layer`` keywords that configs carry, after a class's own parameters.
BASE = ("activity_regularizer", "trainable", "dtype", "autocast", "name")

OBJECT_MODULES = ("initializers", "regularizers", "constraints")


def required_names(cls: type) -> list[str]:
    return [p.name for p in own_parameters(cls) if p.default is inspect.Parameter.empty]


def own_parameters(cls: type) -> list[inspect.Parameter]:
    """``__init__``'s named parameters (not ``self``, ``*args``, ``**kwargs``)."""
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return [p for p in parameters if p.kind not in variadic]


def required_arguments(cls: type, variant: int) -> dict[str, Any]:
    if cls.__name__ in BY_CLASS:
        return BY_CLASS[cls.__name__](variant)
    return {name: BY_NAME[name][variant] for name in required_names(cls)}


def leading_required(cls: type) -> list[str]:
    """The required parameters a person writes positionally: those before the first default."""
    names = []
    for parameter in own_parameters(cls):
        if parameter.default is not inspect.Parameter.empty:
            break
        if parameter.kind == inspect.Parameter.KEYWORD_ONLY:
            break
        names.append(parameter.name)
    return names


def config_of(cls: type, arguments: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of an instance's config (tuples as lists, as a saved file holds them)."""
    config = keras.saving.serialize_keras_object(cls(**arguments))["config"]
    return json.loads(json.dumps(config))


def accepted_extras(cls: type, config: dict[str, Any], parameters: list[str]) -> list[str]:
    """Config keys outside the signature that the constructor takes through ``**kwargs`` and
    writes back unchanged; the others are extras a constructor call must not name."""
    taken = []
    for key in config:
        if key in parameters:
            continue
        try:
            again = config_of(cls, {**required_arguments(cls, 0), key: config[key]})
        except Exception:  # the constructor refuses the key: an extra
            continue
        if again.get(key) == config[key]:
            taken.append(key)
    return taken


def layer_entry(cls: type) -> dict[str, Any]:
    required = set(required_names(cls))
    first = config_of(cls, required_arguments(cls, 0))
    second = config_of(cls, required_arguments(cls, 1))
    own = [p.name for p in own_parameters(cls)]
    own += accepted_extras(cls, first, own + list(BASE))
    parameters = own + [name for name in BASE if name not in own]
    dependent = {key for key in first if first[key] != second.get(key)} | filled_in(cls, first)
    defaults = {
        key: first[key]
        for key in parameters
        if key in first and key not in required | dependent | {"name"}
    }
    return {
        "parameters": parameters,
        "positional": leading_required(cls),
        "defaults": defaults,
        "extras": sorted(key for key in first if key not in parameters),
    }


def filled_in(cls: type, config: dict[str, Any]) -> set[str]:
    """Parameters whose ``None`` default the layer replaces with a number or a shape taken from
    other arguments (``MaxPooling2D``'s ``strides`` is its ``pool_size``): no fixed default."""
    empty = {p.name for p in own_parameters(cls) if p.default is None}
    return {
        key
        for key in empty & set(config)
        if config[key] is not None and not isinstance(config[key], str | dict)
    }


def public_layers() -> Iterator[type]:
    """Each public layer class once, under the name its configs use (aliases skipped)."""
    for name in sorted(dir(layers)):
        cls = getattr(layers, name)
        is_layer = inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)
        if is_layer and cls.__name__ == name and name not in LEFT_OUT:
            yield cls


def object_entry(cls: type) -> dict[str, Any] | None:
    """An initializer's, regularizer's or constraint's parameters and config defaults."""
    try:
        config = json.loads(json.dumps(cls().get_config()))
    except Exception:  # needs arguments (or is abstract): written in full
        return None
    parameters = [p.name for p in own_parameters(cls)]
    return {"parameters": parameters, "defaults": {k: config[k] for k in parameters if k in config}}


def public_objects() -> Iterator[tuple[str, type]]:
    for module in OBJECT_MODULES:
        namespace = getattr(keras, module)
        for name in sorted(dir(namespace)):
            cls = getattr(namespace, name)
            if inspect.isclass(cls) and cls.__name__ == name and hasattr(cls, "get_config"):
                yield f"keras.{module}.{name}", cls


def read_keras() -> tuple[dict[str, Any], list[str]]:
    """The table, and the classes that could not be read (the writer writes all their keys)."""
    table: dict[str, Any] = {"keras_version": keras.__version__, "layers": {}, "objects": {}}
    failed = []
    for cls in public_layers():
        try:
            table["layers"][cls.__name__] = layer_entry(cls)
        except Exception as error:  # reported, left out of the table
            failed.append(f"{cls.__name__}: {type(error).__name__}: {error}"[:200])
    for name, cls in public_objects():
        entry = object_entry(cls)
        if entry is not None:
            table["objects"][name] = entry
    return table, failed


def dumps(table: dict[str, Any]) -> str:
    """One class a line: the file stays small, and a Keras upgrade's diff names the classes."""

    def section(entries: dict[str, Any]) -> str:
        lines = [
            f"  {json.dumps(k)}: {json.dumps(entries[k], sort_keys=True)}" for k in sorted(entries)
        ]
        return "{\n" + ",\n".join(lines) + "\n }"

    return (
        f'{{\n "keras_version": {json.dumps(table["keras_version"])},\n'
        f' "layers": {section(table["layers"])},\n "objects": {section(table["objects"])}\n}}\n'
    )


def differences(old: dict[str, Any], new: dict[str, Any], path: str = "") -> Iterator[str]:
    for key in sorted(set(old) | set(new)):
        where = f"{path}.{key}" if path else key
        if key not in old:
            yield f"{where}: missing from the table"
        elif key not in new:
            yield f"{where}: in the table, not in the installed Keras"
        elif isinstance(old[key], dict) and isinstance(new[key], dict):
            yield from differences(old[key], new[key], where)
        elif old[key] != new[key]:
            yield f"{where}: table {json.dumps(old[key])}, Keras {json.dumps(new[key])}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--table", type=Path, default=TABLE)
    options = parser.parse_args(argv)
    table, failed = read_keras()
    for line in failed:
        print(f"not read: {line}", file=sys.stderr)
    if not options.check:
        options.table.write_text(dumps(table))
        return 0
    old = json.loads(options.table.read_text()) if options.table.exists() else {}
    found = list(differences(old, json.loads(dumps(table))))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
