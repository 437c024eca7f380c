"""What a block class is called: its helper's name in CamelCase (``conv_block``: ``ConvBlock``),
and for one of the classes of a helper whose ``if``/``elif`` chain picks what it builds, the branch
its calls took (``InceptionResnetBlock35``)."""

from __future__ import annotations

import re

from kcodegen.codegen.naming import camel
from kcodegen.ir import Invocation


def block_class_name(call: Invocation, taken: set[str], ordinal: int = 0) -> str:
    """A name not in ``taken`` (and added to it) for the class of ``call``'s helper; ``ordinal``
    (from 1) numbers the classes of one helper where no string tells their branches apart."""
    base = camel(call.function)
    arm = (_arm_name(call) or str(ordinal)) if ordinal else ""
    words = re.findall(r"[A-Z][a-z]*|[a-z]+|\d+", base)
    if arm and words and arm.startswith(words[-1]):
        arm = arm[len(words[-1]) :]  # ``InceptionResnetBlock`` for "block35": ``...Block35``
    base += arm
    # Taken (by the helper itself, say): ``ConvBlock`` for conv, ``ConvNeXtBlockLayer`` for
    # ConvNeXtBlock, then numbered.
    suffix = "Layer" if base.endswith("Block") else "Block"
    name, counter = base or "Block", 1
    if name in taken:
        name = f"{base}{suffix}"
    while name in taken:
        counter += 1
        name = f"{base}{suffix}{counter}"
    taken.add(name)
    return name


def _arm_name(call: Invocation) -> str:
    """What tells the class of a chain's branch from its siblings: the string the test it took
    compares with (``block_type == "block17"``: ``Block17``); empty when none does."""
    taken = [test for _, test, took in call.arms if took]
    found = re.fullmatch(r"""\s*\w+\s*==\s*(['"])(\w+)\1\s*""", taken[-1]) if taken else None
    return camel(found.group(2)) if found else ""
