"""Variable names in generated code: from layer names, unique in their function."""

from __future__ import annotations

import builtins
import keyword
import re

_NOT_IDENTIFIER = re.compile(r"\W")
# Names the generated module itself uses.
RESERVED = frozenset({"keras", "layers", "ops", "x", "inputs"})


def identifier(text: str) -> str:
    """``conv2_block1/out:0`` -> ``conv2_block1_out_0``; a name Python accepts as a variable."""
    name = _NOT_IDENTIFIER.sub("_", text).strip("_") or "v"
    if name[0].isdigit():
        name = f"v{name}"
    if keyword.iskeyword(name) or hasattr(builtins, name):
        name = f"{name}_"
    return name


class Scope:
    """The names taken in one function (or the module): ``fresh`` never returns one twice."""

    def __init__(self, taken: set[str] | frozenset[str] = RESERVED) -> None:
        self.taken = set(taken)
        self.loops: set[str] = set()

    def fresh(self, wanted: str) -> str:
        base = identifier(wanted)
        name, count = base, 1
        while name in self.taken:
            count += 1
            name = f"{base}_{count}"
        self.taken.add(name)
        return name

    def loop_variable(self, wanted: str) -> str:
        """A name for a loop's variable: loops one after another share it."""
        if wanted in self.loops:
            return wanted
        name = self.fresh(wanted)
        self.loops.add(name)
        return name

    def claim(self, name: str) -> str:
        self.taken.add(name)
        return name
