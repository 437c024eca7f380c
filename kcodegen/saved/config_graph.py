"""A model config as a flat graph: its layers, each call of a layer on tensors, and the model's
inputs and outputs. Nested models become graphs of their own."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from kcodegen.saved.errors import Unwritable

MODEL_CLASSES = ("Functional", "Sequential", "Model")
# A recorded ``keras.ops`` call: its module names the ops package; a legacy ``.h5`` config has no
# module, and then an op is told from a layer by its config (a name and what the call needed).
_OPS_MODULE = "keras.src.ops"


@dataclass(frozen=True)
class TensorKey:
    """``keras_history``: output ``index`` of call ``node`` of ``layer``."""

    layer: str
    node: int
    index: int


@dataclass
class SavedLayer:
    name: str
    entry: dict[str, Any]  # as serialized: module, class_name, config
    kind: Literal["input", "layer", "op", "model"]
    model: SavedModel | None = None  # for a nested model

    @property
    def class_name(self) -> str:
        return str(self.entry.get("class_name"))

    @property
    def config(self) -> dict[str, Any]:
        return self.entry.get("config") or {}


@dataclass
class Call:
    """One call of a layer: its arguments with ``TensorKey`` where a tensor was passed."""

    layer: str
    node: int
    args: list[Any]
    kwargs: dict[str, Any]

    def tensors(self) -> Iterator[TensorKey]:
        """The tensors it reads, in argument order."""
        stack: list[Any] = [self.kwargs, self.args]
        found: list[TensorKey] = []
        while stack:
            value = stack.pop()
            if isinstance(value, TensorKey):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(reversed(value))
            elif isinstance(value, dict):
                stack.extend(reversed(list(value.values())))
        return iter(found)


Structure = TensorKey | list[TensorKey] | dict[str, TensorKey]


@dataclass
class SavedModel:
    name: str
    kind: Literal["functional", "sequential"]
    layers: dict[str, SavedLayer]
    calls: list[Call] = field(default_factory=list)  # topological, inputs first (functional)
    inputs: Structure | None = None
    outputs: Structure | None = None
    # Sequential: its layers in order, and the batch shape its first InputLayer or build gave.
    sequence: list[SavedLayer] = field(default_factory=list)
    batch_shape: list[int | None] | None = None
    input_name: str | None = None
    input_dtype: str | None = None

    def nested(self) -> Iterator[SavedModel]:
        """The models used as layers, innermost first, each once."""
        for layer in [*self.layers.values(), *self.sequence]:
            if layer.model is not None:
                yield from layer.model.nested()
                yield layer.model


def read_model(entry: dict[str, Any]) -> SavedModel:
    """The graph of a serialized model; ``Unwritable`` for a subclassed one (no graph saved)."""
    config = entry.get("config") or {}
    name = str(config.get("name") or "model")
    if entry.get("class_name") not in MODEL_CLASSES or not isinstance(config.get("layers"), list):
        raise Unwritable(
            f"`{entry.get('class_name')}` is a subclassed model: its config saves no graph of "
            "layers, so its code cannot be recovered from the file",
            layer=name,
        )
    if "input_layers" not in config:
        return _sequential(name, config)
    return _functional(name, config)


def _layer(entry: dict[str, Any]) -> SavedLayer:
    config = entry.get("config") or {}
    name = str(entry.get("name") or config.get("name"))
    class_name = entry.get("class_name")
    if class_name == "InputLayer":
        if "batch_shape" not in config and "batch_input_shape" in config:  # Keras 2's key
            config["batch_shape"] = config.pop("batch_input_shape")
        return SavedLayer(name, entry, "input")
    if class_name in MODEL_CLASSES or isinstance(config.get("layers"), list):
        return SavedLayer(name, entry, "model", read_model(entry))
    if class_name == "Lambda":
        raise Unwritable(
            "a Lambda layer's code is not in the saved file (Keras keeps it as bytecode); "
            "write it as a layer class or keras.ops calls",
            layer=name,
        )
    if _is_op(entry):
        return SavedLayer(name, entry, "op")
    return SavedLayer(name, entry, "layer")


def _is_op(entry: dict[str, Any]) -> bool:
    module = entry.get("module")
    if module is not None:
        return str(module).startswith(_OPS_MODULE)
    config = entry.get("config") or {}
    return "trainable" not in config and "dtype" not in config


def _sequential(name: str, config: dict[str, Any]) -> SavedModel:
    model = SavedModel(name, "sequential", {})
    first = config["layers"][0] if config["layers"] else {}
    first_config = first.get("config") or {}
    if first.get("class_name") != "InputLayer" and "batch_input_shape" in first_config:
        model.batch_shape = first_config.pop("batch_input_shape")  # Keras 2 kept it there
    for entry in config["layers"]:
        layer = _layer(entry)
        if layer.kind == "input":
            model.batch_shape = layer.config.get("batch_shape")
            model.input_name = layer.config.get("name")
            model.input_dtype = layer.config.get("dtype")
            continue
        model.sequence.append(layer)
        model.layers[layer.name] = layer
    if model.batch_shape is None and isinstance(config.get("build_input_shape"), list):
        model.batch_shape = config["build_input_shape"]
    return model


def _functional(name: str, config: dict[str, Any]) -> SavedModel:
    layers = [_layer(entry) for entry in config["layers"]]
    model = SavedModel(name, "functional", {layer.name: layer for layer in layers})
    calls: list[Call] = []
    # A nested Functional model's first node is its own (inputs to outputs): the config's inputs
    # and outputs count it, and its inbound nodes are the calls after it. Keras 3 leaves it out
    # of the tensors a call reads, so those are shifted to match; Keras 2 counts it there too.
    functional = {layer.name for layer in layers if layer.class_name == "Functional"}
    for layer, entry in zip(layers, config["layers"], strict=True):
        first = 1 if layer.name in functional else 0
        for index, node in enumerate(entry.get("inbound_nodes") or [], start=first):
            args, kwargs = _node_arguments(node, layer.name, functional)
            calls.append(Call(layer.name, index, args, kwargs))
        if layer.kind == "input":
            calls.append(Call(layer.name, 0, [], {}))
    model.calls = _topological(calls)
    model.inputs = _structure(config.get("input_layers"), name)
    model.outputs = _structure(config.get("output_layers"), name)
    return model


def _node_arguments(
    node: Any, layer: str, functional: set[str]
) -> tuple[list[Any], dict[str, Any]]:
    if isinstance(node, dict):
        return [_value(arg, functional) for arg in node.get("args", [])], {
            key: _value(value, functional) for key, value in (node.get("kwargs") or {}).items()
        }
    if isinstance(node, list):  # Keras 2: [[layer, node, index, kwargs], ...]
        tensors = [TensorKey(str(i[0]), int(i[1]), int(i[2])) for i in node]
        kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
        return [tensors[0] if len(tensors) == 1 else tensors], dict(kwargs)
    raise Unwritable("its inbound nodes are in a form kcg does not know", layer=layer)


def _value(value: Any, functional: set[str]) -> Any:
    """Config values with tensors as ``TensorKey`` (a nested Functional model's nodes counted
    from its own); everything else as serialized."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            layer, node, index = value["config"]["keras_history"]
            node = int(node) + (1 if layer in functional else 0)
            return TensorKey(str(layer), node, int(index))
        return {key: _value(item, functional) for key, item in value.items()}
    if isinstance(value, list):
        return [_value(item, functional) for item in value]
    return value


def _structure(value: Any, model: str) -> Structure:
    if isinstance(value, dict):
        return {str(key): _key(item, model) for key, item in value.items()}
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return _key(value, model)
    if isinstance(value, list):
        return [_key(item, model) for item in value]
    raise Unwritable("its inputs or outputs are in a form kcg does not know", layer=model)


def _key(value: Any, model: str) -> TensorKey:
    if isinstance(value, list) and len(value) == 3:
        return TensorKey(str(value[0]), int(value[1]), int(value[2]))
    raise Unwritable("its inputs or outputs are in a form kcg does not know", layer=model)


def _topological(calls: list[Call]) -> list[Call]:
    """Calls in an order where each comes after what it reads; the config's order where free.

    Kahn's algorithm, iterative: a deep model is not bad input.
    """
    position = {(call.layer, call.node): i for i, call in enumerate(calls)}
    waiting = [0] * len(calls)
    readers: list[list[int]] = [[] for _ in calls]
    for i, call in enumerate(calls):
        for producer in {(t.layer, t.node) for t in call.tensors()}:
            if producer not in position:
                raise Unwritable(f"it reads `{producer[0]}`, which the config lacks", call.layer)
            readers[position[producer]].append(i)
            waiting[i] += 1
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[Call] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(calls[i])
        for reader in readers[i]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, reader)
    if len(order) != len(calls):
        raise Unwritable("its calls form a cycle")
    return order
