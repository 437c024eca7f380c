"""The check the saved-model tests share: each saved file written in every style; a style that
fits must be verified against the saved model with its weights, one that does not refused."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from pathlib import Path

from kcodegen.saved.convert import convert_saved
from kcodegen.verify import VerifyReport, VerifySession, verify_saved

STYLES = ("functional", "sequential", "subclassing")


def style_problems(
    folder: Path,
    files: Sequence[str],
    fits: Mapping[str, set[str]],
    session: VerifySession,
    custom: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """What went wrong, one line each: ``fits`` gives the styles of each model (by file stem),
    ``custom`` the modules of its custom classes. The modules are written in ``folder``, where
    a custom layer's module is."""
    problems = []
    for file in files:
        model = file.split(".")[0]
        for style in STYLES:
            result = convert_saved(str(folder / file), style)
            if style not in fits[model]:
                if not result.refusals or result.output:
                    problems.append(f"{file} -> {style}: not refused")
                continue
            if result.refusals:
                problems.append(f"{file} -> {style}: refused: {result.refusals}")
                continue
            ast.parse(result.output)
            outcome = verify_saved(
                str(folder / file),
                result.output,
                path=str(folder / f"{model}_{style}.py"),
                custom_modules=(custom or {}).get(model, ()),
                session=session,
            )
            if not (isinstance(outcome, VerifyReport) and outcome.equivalent):
                problems.append(f"{file} -> {style}: {outcome}")
    return problems
