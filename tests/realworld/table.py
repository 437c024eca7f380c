"""Print the real-code table: each keras.applications architecture, as a user copies it, converted
statically to every style (converted / unchanged / refused with the first reason).

    python tests/realworld/table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kcodegen.convert import convert
from kcodegen.ir import STYLES
from realworld.adapter import ARCHITECTURES, user_script


def outcome(source: str, style: str) -> str:
    conversion = convert(source, style)  # type: ignore[arg-type]
    if conversion.refusals:
        reason = conversion.refusals[0].reasons[0]
        return f"refused, line {reason.line}: {reason.message}"
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
            print(f"{architecture.builder:18} {style:12} {outcome(source, style)}")


if __name__ == "__main__":
    main()
