"""Rewrite samples/*/expected/ from the converter's current output. Review the diff before committing."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_cases import expectation, pairs


def main() -> None:
    for case, style in pairs():
        conversion = case.convert(style)
        for stale in (case.expected_path(style, True), case.expected_path(style, False)):
            stale.unlink(missing_ok=True)
        refused, text = expectation(conversion)
        if not refused and not conversion.changed:
            continue  # already in this style: the input itself is the expectation
        path = case.expected_path(style, refused)
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
