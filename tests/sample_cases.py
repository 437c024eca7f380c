"""The bundled samples as test cases: input, metadata, and the golden expectation per style.

``samples/<case>/expected/<style>.py`` holds the converted module; ``<style>.refused`` holds the
reasons a style cannot express the model. Converting to the style a model is written in must give
the input back unchanged, so that case has no file. ``python tests/update_goldens.py`` rewrites the
expectations; read every change before committing it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kcodegen.convert import Conversion, convert
from kcodegen.ir import STYLES

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    binds: dict[str, str] = field(default_factory=dict)
    input_shapes: dict[str, tuple[int | None, ...]] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return (self.folder / "model.py").read_text(encoding="utf-8")

    def convert(self, style: str) -> Conversion:
        return convert(self.source, style, input_shapes=self.input_shapes, binds=self.binds)  # type: ignore[arg-type]

    def expected_path(self, style: str, refused: bool) -> Path:
        return self.folder / "expected" / f"{style}.{'refused' if refused else 'py'}"


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in SAMPLES.iterdir() if (p / "model.py").exists()):
        meta = (
            tomllib.loads((folder / "case.toml").read_text())
            if (folder / "case.toml").exists()
            else {}
        )
        shapes = {
            name: tuple(int(d) for d in text.split(",") if d.strip())
            for name, text in meta.get("input_shape", {}).items()
        }
        cases.append(Case(folder.name, folder, dict(meta.get("bind", {})), shapes))
    return cases


def expectation(conversion: Conversion) -> tuple[bool, str]:
    """(refused, text): the golden text for a conversion."""
    if conversion.refusals:
        lines = [
            f"line {r.line}: {r.message}"
            for refusal in conversion.refusals
            for r in refusal.reasons
        ]
        return True, "\n".join(lines) + "\n"
    return False, conversion.output


def pairs() -> list[tuple[Case, str]]:
    return [(case, style) for case in load_cases() for style in STYLES]
