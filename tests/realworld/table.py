"""Print the real-code table: each keras.applications architecture, as a user copies it, converted
statically to every style (converted / unchanged / refused with the first reason), and for a
Subclassing conversion the layer constructor calls in the generated classes next to those of the
script (the architecture's source as the user copied it, the helpers it uses included).

    python tests/realworld/table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kcodegen.convert import convert
from kcodegen.ir import STYLES
from realworld.adapter import ARCHITECTURES, user_script
from realworld.counts import constructors, constructors_in_new_classes


def outcome(source: str, style: str, module: str = "") -> str:
    conversion = convert(source, style)  # type: ignore[arg-type]
    if conversion.refusals:
        reason = conversion.refusals[0].reasons[0]
        return f"refused, line {reason.line}: {reason.message}"
    if conversion.converted and style == "subclassing" and module:
        ours = constructors_in_new_classes(source, conversion.output)
        lines = len(conversion.output.splitlines()) - len(source.splitlines())
        return (
            f"converted; layer constructor calls: source {constructors(source)}, "
            f"generated classes {ours}; {lines:+d} lines"
        )
    if conversion.converted:
        return "converted"
    noted = f", {len(conversion.problems)} notes" if conversion.problems else ""
    return f"unchanged{noted}"


def main() -> None:
    for architecture in ARCHITECTURES:
        try:
            source = user_script(architecture)
        except LookupError as missing:
            print(f"{architecture.builder}: not adapted: {missing}")
            continue
        for style in STYLES:
            result = outcome(source, style, architecture.module)
            print(f"{architecture.builder:18} {style:12} {result}")


if __name__ == "__main__":
    main()
