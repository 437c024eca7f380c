"""Find the Keras objects behind a model's IR layers and calls (worker side: needs Keras).

``plan.py`` says which locator each style uses and why. Intermediate outputs come from one of two
sources, because Keras runs the styles differently:

- subclassed and Sequential models: each located layer's ``call`` is wrapped for one eager forward
  pass and records its outputs per call, in call order. A subclass calls its layers in the order
  ``call()`` is written, so the k-th recorded call of a shared layer is its k-th call in the IR; a
  Sequential never shares a layer.
- Functional models: Keras runs the graph by depth, so the call order of a shared layer says
  nothing about which call is which. The walk already knows the KerasTensor of every call's
  outputs, so a second model from the same inputs to those tensors computes them exactly.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import keras


@dataclass
class Located:
    """A built model's layers and call outputs, by IR id."""

    model: Any
    plan: dict[str, Any]
    layers: dict[str, Any] = field(default_factory=dict)  # LayerSpec id -> Keras layer
    symbolic: dict[str, list[Any]] = field(default_factory=dict)  # Node id -> KerasTensors
    recorded: dict[int, list[Any]] = field(default_factory=dict)  # id(layer) -> outputs per call

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Record every call of the located layers while the block runs (not for Functional)."""
        if self.plan["style"] == "functional":
            yield
            return
        self.recorded.clear()
        wrapped = list({id(layer): layer for layer in self.layers.values()}.values())
        for layer in wrapped:
            object.__setattr__(layer, "call", self._recorder(layer))
        try:
            yield
        finally:
            for layer in wrapped:
                object.__delattr__(layer, "call")

    def call_outputs(self, inputs: Any) -> dict[str, list[Any]]:
        """Node id -> the outputs of that call during the recorded pass (or, Functional, a new one)."""
        if self.plan["style"] == "functional":
            nodes = list(self.symbolic)
            tensors = [t for node in nodes for t in self.symbolic[node]]
            if not tensors:
                return {}
            values = keras.Model(self.model.input, tensors)(inputs, training=False)
            values = list(values) if isinstance(values, list | tuple) else [values]
            found, start = {}, 0
            for node in nodes:
                count = len(self.symbolic[node])
                found[node] = values[start : start + count]
                start += count
            return found
        found = {}
        for node, (layer_id, index) in self.plan["calls"].items():
            layer = self.layers.get(layer_id)
            calls = self.recorded.get(id(layer), []) if layer is not None else []
            if index < len(calls):
                found[node] = keras.tree.flatten(calls[index])
        return found

    def _recorder(self, layer: Any) -> Any:
        call = layer.call

        @functools.wraps(call)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            outputs = call(*args, **kwargs)
            self.recorded.setdefault(id(layer), []).append(outputs)
            return outputs

        return recorded


def locate(model: Any, plan: dict[str, Any], namespace: dict[str, Any]) -> Located:
    """The layers of `model` (built by a slice in `namespace`) and, for Functional, its calls."""
    found = Located(model, plan)
    style = plan["style"]
    if style == "functional":
        _walk_back(found, namespace)
    elif style == "sequential":
        for layer_id, where in plan["layers"].items():
            index = where["index"]
            if index is not None and index < len(model.layers):
                found.layers[layer_id] = model.layers[index]
    else:
        for layer_id, where in plan["layers"].items():
            layer = _attribute(model, where["attr"])
            if isinstance(layer, keras.layers.Layer):
                found.layers[layer_id] = layer
    return found


def _attribute(model: Any, path: str | None) -> Any:
    """``model.<path>``, where path may index lists: ``blocks[2].conv``."""
    value = model
    for part in (path or "").replace("]", "").replace("[", ".").split("."):
        if not part:
            return None
        try:
            value = value[int(part)] if part.isdigit() else getattr(value, part)
        except (AttributeError, IndexError, KeyError, TypeError):
            return None
    return value


def _walk_back(found: Located, namespace: dict[str, Any]) -> None:
    """Pair IR tensors with KerasTensors from the outputs back; each tensor has one producer."""
    plan = found.plan
    pending = _output_pairs(found.model.output, plan["outputs"])
    seen: set[str] = set()
    while pending:
        tensor_id, keras_tensor = pending.pop()
        history = getattr(keras_tensor, "_keras_history", None)
        if tensor_id in seen or history is None:
            continue
        seen.add(tensor_id)
        step_id = plan["producers"][tensor_id]
        step = plan["steps"][step_id]
        if step["kind"] == "input":
            continue
        operation, node_index, _ = history
        node = operation._inbound_nodes[node_index]
        outputs, arguments = list(node.output_tensors), list(node.input_tensors)
        if step["item"] and len(outputs) > 1:  # an item of a list of outputs: no Keras operation
            pending.append((step["inputs"][0], keras_tensor))
            continue
        if step["kind"] == "node":
            where = plan["layers"][step["layer"]]
            if where["model"] and not isinstance(operation, keras.Model):
                operation = namespace.get(where["attr"] or "")  # inlined: no operation of its own
                if not isinstance(operation, keras.Model):
                    continue
                outputs, arguments = [keras_tensor], keras.tree.flatten(operation.input)
            if found.layers.setdefault(step["layer"], operation) is not operation:
                continue  # one IR layer, two Keras layers: leave the rest of this branch unpaired
            found.symbolic[step_id] = outputs
        if len(arguments) == len(step["inputs"]):
            pending.extend(zip(step["inputs"], arguments, strict=True))


def _output_pairs(output: Any, structure: dict[str, Any]) -> list[tuple[str, Any]]:
    tensors, kind = structure["tensors"], structure["kind"]
    if kind == "dict" and isinstance(output, dict):
        keyed = zip(structure["keys"], tensors, strict=True)
        return [(tensor, output[key]) for key, tensor in keyed if key in output]
    if isinstance(output, list | tuple):
        return list(zip(tensors, output, strict=False))
    return [(tensors[0], output)] if kind == "single" else []
