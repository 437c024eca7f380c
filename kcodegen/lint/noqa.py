"""Suppression comments, as flake8 and ruff read them.

``# noqa`` silences every finding that starts on its line and ``# noqa: KCG101, KCG2`` those codes
(or prefixes); ``# kcg: noqa`` on a line of its own silences the whole file, ``# kcg: noqa: KCG1``
some codes in it. Comments are only looked for on lines that have findings, so they cost nothing on
a clean file. Other tools' codes (``# noqa: E501``) do not silence kcg.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kcodegen.lint.rule import Finding

_CODES = r"[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*"
LINE_NOQA = re.compile(rf"#\s*(?i:noqa)(?::\s*(?P<codes>{_CODES}))?")
FILE_NOQA = re.compile(
    rf"^[ \t]*#[ \t]*(?i:kcg:[ \t]*noqa)(?::[ \t]*(?P<codes>{_CODES}))?[ \t]*$", re.M
)
ALL: tuple[str, ...] = ("",)  # a prefix of every code


def _codes(found: re.Match[str]) -> tuple[str, ...]:
    codes = found["codes"]
    return tuple(re.split(r"[\s,]+", codes.strip())) if codes else ALL


def _covers(prefixes: Iterable[str], code: str) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def unsuppressed(findings: Sequence[Finding], source: str, lines: Sequence[str]) -> list[Finding]:
    """The findings no ``noqa`` comment silences; ``lines`` as ``LintContext.lines`` splits them."""
    if not findings:
        return []
    for_file = [code for found in FILE_NOQA.finditer(source) for code in _codes(found)]
    for_line: dict[int, tuple[str, ...]] = {}

    def line_codes(number: int) -> tuple[str, ...]:
        if number not in for_line:
            text = lines[number - 1] if 0 < number <= len(lines) else ""
            found = LINE_NOQA.search(text)
            for_line[number] = _codes(found) if found else ()
        return for_line[number]

    return [
        finding
        for finding in findings
        if not _covers(for_file, finding.code)
        and not _covers(line_codes(finding.line), finding.code)
    ]
