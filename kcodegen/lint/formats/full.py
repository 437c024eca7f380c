"""``full``: each finding, the line it is on with carets under it, and a closing summary.

model.py:7:9: KCG201 [*] `input_shape=` on a layer is deprecated in Keras 3
  7 |     layers.Dense(64, input_shape=(784,)),
    |                      ^^^^^^^^^^^^^^^^^^
"""

from __future__ import annotations

import click

from kcodegen.lint.formats import Report, summary
from kcodegen.lint.rule import Finding, LintContext

FIXABLE = "[*] "


def heading(path: str, finding: Finding) -> str:
    """``path:line:col: CODE [*] message``, styled."""
    where = click.style(f"{path}:{finding.line}:{finding.col + 1}:", bold=True)
    code = click.style(finding.code, fg="red", bold=True)
    mark = click.style(FIXABLE, fg="cyan") if finding.fix is not None else ""
    return f"{where} {code} {mark}{finding.message}"


def snippet(lines: list[str], finding: Finding) -> list[str]:
    """The finding's first line, with carets under its span (to the end of the line if it goes on)."""
    if not 0 < finding.line <= len(lines):
        return []
    text = lines[finding.line - 1].rstrip("\r\n")
    start = min(finding.col, len(text))
    end = finding.end_col if finding.end_line == finding.line else len(text)
    width = max(1, min(end, len(text)) - start)
    indent = "".join(c if c == "\t" else " " for c in text[:start])
    number = str(finding.line)
    gutter = click.style(f"{number} |", fg="blue")
    blank = click.style(f"{' ' * len(number)} |", fg="blue")
    return [
        f"  {gutter} {text}".rstrip(),
        f"  {blank} {indent}{click.style('^' * width, fg='red', bold=True)}",
    ]


def render(report: Report) -> str:
    out: list[str] = []
    for result in report.results:
        lines = LintContext(result.shown, result.source).lines
        for finding in result.findings:
            out += [heading(result.shown, finding), *snippet(lines, finding), ""]
    out.append(summary(report))
    return "\n".join(out) + "\n"
