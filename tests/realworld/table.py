"""Print the real-code table: each keras.applications architecture, as a user copies it, converted
statically to every style (converted / unchanged / refused with the first reason), and for a
Subclassing conversion the layer constructor calls in the generated classes next to those of the
script (the architecture's source as the user copied it, the helpers it uses included).

    python tests/realworld/table.py
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kcodegen.convert import convert
from kcodegen.ir import STYLES
from realworld.adapter import ARCHITECTURES, user_script

_CONSTRUCTOR = re.compile(r"\blayers\.[A-Z]\w*\(")


def outcome(source: str, style: str, module: str = "") -> str:
    conversion = convert(source, style)  # type: ignore[arg-type]
    if conversion.refusals:
        reason = conversion.refusals[0].reasons[0]
        return f"refused, line {reason.line}: {reason.message}"
    if conversion.converted and style == "subclassing" and module:
        ours = _constructors_in_new_classes(source, conversion.output)
        lines = len(conversion.output.splitlines()) - len(source.splitlines())
        return (
            f"converted; layer constructor calls: source {len(_CONSTRUCTOR.findall(source))}, "
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


def _constructors_in_new_classes(original: str, output: str) -> int:
    before = {n.name for n in ast.parse(original).body if isinstance(n, ast.ClassDef)}
    added = [
        n for n in ast.parse(output).body if isinstance(n, ast.ClassDef) and n.name not in before
    ]
    return sum(len(_CONSTRUCTOR.findall(ast.get_source_segment(output, n) or "")) for n in added)


if __name__ == "__main__":
    main()
