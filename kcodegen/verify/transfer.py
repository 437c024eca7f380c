"""Copy weights from the original into the converted model, one paired layer at a time (worker side).

Pairs come from the IR correspondence, so weights go where the same computation happens whatever
order either model creates its layers in. A shared layer is copied once; a nested model is copied
as a whole through its own object. Every layer's shapes are checked first, and afterwards every
weight of both models must have taken part: a weight of the original that went nowhere, or one of
the converted model that received nothing, would make the outputs differ for no reason the report
could name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kcodegen.verify.locate import Located


@dataclass
class Transfer:
    copied: int = 0  # weight arrays
    problems: list[str] = field(default_factory=list)


def copy_weights(
    pairs: list[list[str]],
    original: Located,
    converted: Located,
    describe: Callable[[str, str], str],
    unmatched_note: str,
) -> Transfer:
    """Copy along `pairs` (original layer id, converted layer id); ``describe(role, id)`` names a layer."""
    transfer = Transfer()
    accounted: dict[str, set[int]] = {"original": set(), "converted": set()}  # copied or reported
    done: set[int] = set()
    for ours, theirs in pairs:
        src, dst = original.layers.get(ours), converted.layers.get(theirs)
        if src is None or dst is None:
            missing, other, present, role = (
                ("original", ours, dst, "converted")
                if src is None
                else ("converted", theirs, src, "original")
            )
            if present is not None and present.weights:
                transfer.problems.append(
                    f"cannot find {describe(missing, other)} in the built model"
                )
                accounted[role].update(id(v) for v in present.weights)
            continue
        if id(dst) in done:
            continue  # a shared layer: one set of weights, already copied
        done.add(id(dst))
        accounted["original"].update(id(v) for v in src.weights)
        accounted["converted"].update(id(v) for v in dst.weights)
        values = src.get_weights()
        shapes = [tuple(value.shape) for value in values]
        wanted = [tuple(variable.shape) for variable in dst.weights]
        if shapes != wanted:
            transfer.problems.append(
                f"{describe('original', ours)} has weights {_shapes(shapes)} but "
                f"{describe('converted', theirs)} has {_shapes(wanted)}"
            )
            continue
        dst.set_weights(values)
        transfer.copied += len(values)
    for role, located in (("original", original), ("converted", converted)):
        left = [v for v in located.model.weights if id(v) not in accounted[role]]
        transfer.problems += [
            _unaccounted(role, subject, unmatched_note)
            for subject in _owners(role, located, left, describe)
        ]
    return transfer


def _owners(
    role: str, located: Located, variables: list[Any], describe: Callable[[str, str], str]
) -> list[str]:
    """The layers (as the IR names them) that own `variables`; a weight's path when none does."""
    left = {id(v): v for v in variables}
    owners = []
    for layer_id, layer in located.layers.items():
        owned = [id(v) for v in layer.weights if id(v) in left]
        if owned:
            owners.append(f"layer {describe(role, layer_id)}")
            for key in owned:
                del left[key]
    return owners + [f"weight `{v.path}` (of no layer in the code)" for v in left.values()]


def _unaccounted(role: str, subject: str, note: str) -> str:
    if role == "original":
        return f"cannot match {subject}: no layer of the converted model corresponds to it{note}"
    return f"{subject} of the converted model received no weights from the original"


def _shapes(shapes: list[tuple[int, ...]]) -> str:
    return "[" + ", ".join(str(shape) for shape in shapes) + "]" if shapes else "none"
