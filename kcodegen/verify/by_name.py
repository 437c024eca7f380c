"""Copy a saved model's weights into the model generated from it, layer by layer, by name (worker
side: needs Keras).

The generator writes every layer's saved name (``name="conv2_block1_1_conv"``), but not always at
the same depth: a generated block class holds layers the saved model kept flat, a nested Sequential
may be written inline. So layers are matched by name over each whole model, nested models and
layers held by layers included, and each takes along only the weights it creates itself (a block's
weights go with the layers it holds).
"""

from __future__ import annotations

import collections
from typing import Any

from kcodegen.verify.execution import Failed

_SHOWN = 5  # problems spelled out in a failure; the rest are counted

Owned = dict[str, list[tuple[Any, list[Any]]]]  # layer name -> (layer, its own weights) per layer


def copy_by_name(saved: Any, generated: Any, path: str) -> int:
    """Copy every weight of ``saved`` into ``generated``; the number of arrays copied. Raises
    Failed ("correspondence") unless each layer with weights has exactly one namesake with weights
    of the same shapes on the other side. ``path`` is the generated module's, for the message."""
    ours, theirs = owned_weights(saved), owned_weights(generated)
    problems = _problems(ours, theirs)
    if problems:
        more = len(problems) - _SHOWN
        listed = "; ".join(problems[:_SHOWN]) + (f"; and {more} more" if more > 0 else "")
        raise Failed(
            "correspondence",
            f"{path}: the generated model's layers do not match the saved model's by name: {listed}",
        )
    copied = 0
    for name, [(_, sources)] in ours.items():
        [(_, targets)] = theirs[name]
        for target, source in zip(targets, sources, strict=True):
            target.assign(source)
        copied += len(sources)
    return copied


def owned_weights(model: Any) -> Owned:
    """The layers of ``model`` (itself included) that create weights themselves, by name, with
    those weights in the layer's order. A shared layer appears once."""
    found: Owned = collections.defaultdict(list)
    for layer in model._flatten_layers(include_self=True, recursive=True):
        children = layer._flatten_layers(include_self=False, recursive=False)
        inner = {id(variable) for child in children for variable in child.weights}
        own = [variable for variable in layer.weights if id(variable) not in inner]
        if own:
            found[layer.name].append((layer, own))
    return found


def _problems(ours: Owned, theirs: Owned) -> list[str]:
    problems = [f"{_many(ours, name)} in the saved model" for name in ours if len(ours[name]) > 1]
    problems += [
        f"{_many(theirs, name)} in the generated model" for name in theirs if len(theirs[name]) > 1
    ]
    for name, found in ours.items():
        if name not in theirs:
            problems.append(
                f"layer `{name}` ({_describe(found[0])}) of the saved model has no namesake "
                "with weights in the generated model"
            )
        elif len(found) == len(theirs[name]) == 1:
            mine, other = _shapes(found[0][1]), _shapes(theirs[name][0][1])
            if mine != other:
                problems.append(
                    f"layer `{name}` has weights {mine} in the saved model but {other} "
                    "in the generated model"
                )
    problems += [
        f"layer `{name}` ({_describe(found[0])}) of the generated model has no namesake "
        "with weights in the saved model"
        for name, found in theirs.items()
        if name not in ours
    ]
    return problems


def _many(owned: Owned, name: str) -> str:
    classes = ", ".join(type(layer).__name__ for layer, _ in owned[name])
    return f"{len(owned[name])} layers with weights are named `{name}` ({classes})"


def _describe(entry: tuple[Any, list[Any]]) -> str:
    layer, weights = entry
    return f"{type(layer).__name__}, weights {_shapes(weights)}"


def _shapes(weights: list[Any]) -> str:
    return "[" + ", ".join(str(tuple(variable.shape)) for variable in weights) + "]"
