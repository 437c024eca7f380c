"""Masks Keras passed along by itself, left out of the graph as their author left them out.

``Embedding(mask_zero=True)`` and ``Masking`` compute a mask as ops (``ops.not_equal(tokens, 0)``)
that Keras records, and every later layer that takes a mask is recorded called with
``mask=not_equal``. Written back, that is code nobody writes, and a chain no longer a chain. A
``mask=`` that is exactly such a mask, on a call downstream of the layer that made it, is dropped
with the ops that computed it: Keras recomputes and passes it again when the code runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kcodegen.saved.config_graph import Call, SavedModel, TensorKey

CallKey = tuple[str, int]


@dataclass(frozen=True)
class _Mask:
    source: CallKey  # the call of the layer that makes the mask
    ops: tuple[CallKey, ...]  # the recorded ops that compute it


def drop_implicit_masks(model: SavedModel) -> None:
    """Drop, in place, the ``mask=`` arguments Keras passes by itself and the ops only they read."""
    calls = {(call.layer, call.node): call for call in model.calls}
    masks = dict(_masks(model, calls))
    if not masks:
        return
    below = {key: _downstream(model, key) for key in {mask.source for mask in masks.values()}}
    for call in model.calls:
        keys = _mask_keys(call.kwargs.get("mask"))
        if keys and all(
            k in masks and (call.layer, call.node) in below[masks[k].source] for k in keys
        ):
            del call.kwargs["mask"]
    # The ops of a mask, last first: each goes once nothing reads it any more.
    for key in [key for mask in masks.values() for key in reversed(mask.ops)]:
        if key in calls and key not in _read(model):
            model.calls.remove(calls.pop(key))


def _masks(model: SavedModel, calls: dict[CallKey, Call]) -> Iterator[tuple[TensorKey, _Mask]]:
    """The masks Keras computed for the masking layers' calls: ``not_equal(t, 0)`` after an
    ``Embedding(mask_zero=True)`` on ``t``, ``any(not_equal(t, v), axis=-1)`` after a
    ``Masking(v)`` on ``t``."""
    for call in model.calls:
        layer = model.layers[call.layer]
        if layer.kind != "op" or call.kwargs or _options(layer.config):
            continue
        if layer.class_name == "NotEqual" and len(call.args) == 2:
            tensor, value = call.args
            source = _masking_call(model, tensor, "Embedding", "mask_zero", True)
            if source is not None and value == 0 and not isinstance(value, bool):
                yield TensorKey(call.layer, call.node, 0), _Mask(source, ((call.layer, call.node),))
    for call in model.calls:
        layer = model.layers[call.layer]
        options = _options(layer.config)
        if not (layer.class_name == "Any" and len(call.args) == 1 and not call.kwargs):
            continue
        if options not in ({"axis": -1}, {"axis": -1, "keepdims": False}):
            continue
        inner = call.args[0]
        compared = calls.get((inner.layer, inner.node)) if isinstance(inner, TensorKey) else None
        if compared is None or model.layers[compared.layer].class_name != "NotEqual":
            continue
        if compared.kwargs or len(compared.args) != 2:
            continue
        tensor, value = compared.args
        source = _masking_call(model, tensor, "Masking", "mask_value", value)
        if source is not None:
            ops = ((compared.layer, compared.node), (call.layer, call.node))
            yield TensorKey(call.layer, call.node, 0), _Mask(source, ops)


def _masking_call(
    model: SavedModel, tensor: Any, class_name: str, key: str, value: Any
) -> CallKey | None:
    """The call of a ``class_name`` layer on ``tensor`` whose config has ``key`` == ``value``."""
    if not isinstance(tensor, TensorKey):
        return None
    for call in model.calls:
        layer = model.layers[call.layer]
        if layer.kind == "layer" and layer.class_name == class_name and call.args == [tensor]:
            setting = layer.config.get(key, 0.0 if key == "mask_value" else None)
            if type(setting) is type(value) and setting == value:
                return call.layer, call.node
    return None


def _downstream(model: SavedModel, source: CallKey) -> set[CallKey]:
    """The calls that read, other than as a mask, what ``source`` made or what was made from it."""
    reached = {source}
    for call in model.calls:
        tensors = Call(call.layer, call.node, call.args, {**call.kwargs, "mask": None}).tensors()
        if any((t.layer, t.node) in reached for t in tensors):
            reached.add((call.layer, call.node))
    return reached - {source}


def _mask_keys(value: Any) -> list[TensorKey]:
    """The tensors of a ``mask=`` argument (one, or one per input with None for none); [] when it
    holds anything else."""
    items = value if isinstance(value, list) else [value]
    keys = [item for item in items if isinstance(item, TensorKey)]
    if not keys or any(item is not None and not isinstance(item, TensorKey) for item in items):
        return []
    return keys


def _read(model: SavedModel) -> set[CallKey]:
    tensors = [t for call in model.calls for t in call.tensors()] + _flatten(model.outputs)
    return {(t.layer, t.node) for t in tensors}


def _options(config: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in config.items() if key != "name"}


def _flatten(structure: Any) -> list[TensorKey]:
    if isinstance(structure, TensorKey):
        return [structure]
    if isinstance(structure, dict):
        return list(structure.values())
    return list(structure or [])
