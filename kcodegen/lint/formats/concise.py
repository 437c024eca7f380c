"""``concise``: one ``path:line:col: CODE message`` line per finding, then the summary."""

from __future__ import annotations

import click

from kcodegen.lint.formats import Report, summary


def render(report: Report) -> str:
    out = [
        f"{click.style(f'{result.shown}:{finding.line}:{finding.col + 1}:', bold=True)} "
        f"{click.style(finding.code, fg='red', bold=True)} {finding.message}"
        for result, finding in report.findings()
    ]
    out.append(summary(report))
    return "\n".join(out) + "\n"
