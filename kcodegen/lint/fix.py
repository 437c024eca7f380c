"""Applying the fixes of findings to a file's text, in one pass."""

from __future__ import annotations

from collections.abc import Iterable

from kcodegen.lint.rule import Edit, Finding


def apply_fixes(source: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """The text with the fixes applied, and how many were applied.

    Fixes are taken in source order; one whose edits overlap an already accepted fix's edits (or
    each other, or fall outside the text) is skipped: the next run of the rules finds it again on
    the new text, so nothing is lost and no edit ever lands inside another.
    """
    accepted: list[Edit] = []
    applied = 0
    fixes = [finding.fix for finding in findings if finding.fix is not None and finding.fix.edits]
    fixes.sort(key=lambda fix: min((edit.start, edit.end) for edit in fix.edits))
    for fix in fixes:
        edits = list(fix.edits)
        if not all(0 <= edit.start <= edit.end <= len(source) for edit in edits):
            continue
        if any(_overlap(a, b) for i, a in enumerate(edits) for b in [*edits[i + 1 :], *accepted]):
            continue
        accepted.extend(edits)
        applied += 1
    for edit in sorted(accepted, key=lambda edit: (edit.start, edit.end), reverse=True):
        source = source[: edit.start] + edit.text + source[edit.end :]
    return source, applied


def _overlap(a: Edit, b: Edit) -> bool:
    """Ranges that share a character, or two insertions at one point (whose order is unclear)."""
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end
