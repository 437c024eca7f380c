"""Names in generated code: the author's where there are some, Keras-like ones where there are none."""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import replace

from kcodegen.frontend.keras_api import snake_case
from kcodegen.ir import LayerSpec, ModelGraph

# Attributes a keras.Model already has: a layer assigned to one of them would break the model.
_MODEL_ATTRIBUTES = frozenset(
    [
        "layers",
        "name",
        "input",
        "output",
        "inputs",
        "outputs",
        "weights",
        "trainable",
        "trainable_weights",
        "non_trainable_weights",
        "variables",
        "losses",
        "metrics",
        "optimizer",
        "loss",
        "built",
        "dtype",
        "compiled_loss",
        "compiled_metrics",
        "history",
        "summary",
        "call",
        "build",
        "compile",
        "fit",
        "predict",
        "evaluate",
        "get_config",
        "from_config",
        "save",
    ]
)


# Attributes every Keras layer has: a generated block cannot keep a parameter under one of these.
KERAS_LAYER_ATTRIBUTES = _MODEL_ATTRIBUTES | frozenset(
    ["input_spec", "supports_masking", "dtype_policy", "compute_dtype", "variable_dtype", "path"]
)


def identifier(text: str) -> str:
    """A valid snake_case identifier from arbitrary text (a Keras ``name=``, a class name)."""
    name = re.sub(r"\W+", "_", snake_case(text)).strip("_") or "layer"
    if name[0].isdigit():
        name = f"layer_{name}"
    return name


def layer_attributes(
    graph: ModelGraph, order: list[str], reserved: AbstractSet[str] = frozenset()
) -> dict[str, str]:
    """Layer id -> attribute name for a subclass: author's variable, then ``name=``, then class name.
    A variable that held several of the layers (a helper's ``layer``, written out call by call)
    gives way to their ``name=`` where each has its own: ``self.block_1_identity``, not
    ``self.layer_1``. Names in ``reserved`` are other attributes of the class."""
    taken = _Unique(set(reserved))
    names: dict[str, str] = {}
    held = Counter(graph.layer_by_id[layer_id].var_name for layer_id in order)
    for layer_id in order:
        layer = graph.layer_by_id[layer_id]
        if layer.name and layer.var_name and held[layer.var_name] > 1:
            layer = replace(layer, var_name=None)
        names[layer_id] = taken.claim(_preferred(layer))
    return names


def loop_attributes(
    loops: list[tuple[LayerSpec, ...]], taken: set[str]
) -> list[tuple[str, tuple[str, ...]]]:
    """For each kept loop's layers (one pass's): the list attribute that holds them
    (``dense_layers``, or ``conv1d_blocks`` for a tuple per pass) and the loop's names for them."""
    found = []
    lists = _Unique(taken)
    for layers in loops:
        own = _Unique(set())
        items = tuple(own.claim(_preferred(layer)) for layer in layers)
        suffix = "layers" if len(items) == 1 else "blocks"
        found.append((lists.claim(f"{items[0]}_{suffix}"), items))
    return found


def _preferred(layer: LayerSpec) -> str:
    if layer.var_name and layer.var_name.isidentifier():
        base = layer.var_name
    elif layer.name:
        base = identifier(layer.name)
    else:
        base = identifier(layer.cls.rsplit(".", 1)[-1])
    base = base if base[0].islower() or base[0] == "_" else identifier(base)
    if base in _MODEL_ATTRIBUTES or keyword.iskeyword(base):
        base = f"{base}_layer"
    return base


class _Unique:
    """Claims ``base``, else the first free ``base_1``, ``base_2``, ... of ``taken`` (which grows).
    The counter goes on from the last one claimed for a base: the 10,000th ``dense`` must not try
    the 9,999 before it."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self._counters: dict[str, int] = {}

    def claim(self, base: str) -> str:
        name, counter = base, self._counters.get(base, 0)
        if counter:
            name = f"{base}_{counter}"
        while name in self.taken:
            counter += 1
            name = f"{base}_{counter}"
        self._counters[base] = counter
        self.taken.add(name)
        return name


def class_name(graph: ModelGraph, taken: set[str]) -> str:
    """``model`` -> ``MyModel``, ``encoder`` -> ``EncoderModel``, ``name="clf"`` -> ``Clf``."""
    if graph.keras_name and graph.keras_name.isidentifier():
        base = camel(graph.keras_name)
    else:
        stem = re.sub(r"^(build|make|create|get)_", "", graph.name)
        base = camel(stem)
        if base == "Model":
            base = "MyModel"
        elif not base.endswith("Model"):
            base += "Model"
    if base in taken and not base.endswith("Model"):
        base += "Model"  # ``InceptionV3Model`` beside the builder ``InceptionV3``, not ``...V32``
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}{counter}"
    return name


def camel(text: str) -> str:
    """``conv_block`` -> ``ConvBlock``: a class name from a Python name."""
    return (
        "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", text) if part)
        or "Generated"
    )


class TensorNames:
    """Variable names for tensors in straight-line code.

    A tensor keeps the author's name unless that name still holds another tensor that is needed
    later; then it gets a numbered variant. This keeps ``x = Dense(..)(x)`` chains as written.
    """

    def __init__(self, graph: ModelGraph, reserved: set[str], inputs_live: bool = False) -> None:
        self.graph = graph
        self.remaining = {t: len(users) for t, users in graph.consumers.items()}
        # Outputs stay live until the model is built; so do inputs in Functional code, whose
        # ``Model(inputs=...)`` comes last.
        live = [
            *graph.output_structure.tensors,
            *(graph.input_structure.tensors if inputs_live else ()),
        ]
        for t in live:
            self.remaining[t] = self.remaining.get(t, 0) + 1
        self.holder: dict[str, str] = {}  # variable -> tensor id it holds now
        self.name_of: dict[str, str] = {}
        self.alias: dict[str, str] = {}  # tensor id -> the id it is read as (a loop's carry)
        self.reserved = reserved

    def assign(self, tensor_id: str, wanted: str) -> str:
        name, counter = wanted, 0
        while name in self.reserved or self._busy(name):
            counter += 1
            name = f"{wanted}_{counter}"
        self.holder[name] = tensor_id
        self.name_of[tensor_id] = name
        return name

    def hold(self, tensor_id: str, name: str) -> None:
        """``name`` holds the tensor now, whoever held it before (a loop's carry variable)."""
        self.holder[name] = tensor_id
        self.name_of[tensor_id] = name

    def use(self, tensor_id: str) -> str:
        tensor_id = self.alias.get(tensor_id, tensor_id)
        self.remaining[tensor_id] -= 1
        return self.name_of[tensor_id]

    def _busy(self, name: str) -> bool:
        held = self.holder.get(name)
        return held is not None and self.remaining.get(held, 0) > 0
