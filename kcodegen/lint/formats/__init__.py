"""Output formats of ``kcg lint``: one module per format, each with ``render(report) -> str``.

``full`` and ``concise`` are for people (styled; click drops the styles when the output is not a
terminal or NO_COLOR is set), ``json`` for tools, ``github`` for workflow annotations and ``sarif``
for code scanning. Columns are 1-based in every format.
"""

from __future__ import annotations

import bisect
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from kcodegen.lint.rule import Finding, LintContext, Rule
from kcodegen.lint.runner import FileResult

MODULES = {
    "full": "full",
    "concise": "concise",
    "json": "json_list",
    "github": "github",
    "sarif": "sarif",
}
NAMES = tuple(MODULES)


@dataclass(frozen=True)
class Report:
    results: tuple[FileResult, ...]  # sorted by path
    rules: Mapping[str, Rule]  # the rules that ran, by code
    fixed: int = 0  # fixes applied in this run (with --fix)
    fix_mode: bool = False

    def findings(self) -> Iterator[tuple[FileResult, Finding]]:
        for result in self.results:
            for finding in result.findings:
                yield result, finding

    @property
    def count(self) -> int:
        return sum(len(result.findings) for result in self.results)


def render(name: str, report: Report) -> str:
    module = importlib.import_module(f"{__name__}.{MODULES[name]}")
    text: str = module.render(report)
    return text


def summary(report: Report) -> str:
    """``Found 3 errors (2 fixable with --fix).``, ruff's closing line, or that all is clean."""
    remaining = report.count
    if report.fix_mode and report.fixed:
        total = remaining + report.fixed
        return f"Found {_errors(total)} ({report.fixed} fixed, {remaining} remaining)."
    if not remaining:
        return "All checks passed!"
    fixable = sum(1 for _, finding in report.findings() if finding.fix is not None)
    tail = f" ({fixable} fixable with --fix)" if fixable else ""
    return f"Found {_errors(remaining)}{tail}."


def _errors(count: int) -> str:
    return f"{count} error" if count == 1 else f"{count} errors"


def location(context: LintContext, offset: int) -> dict[str, int]:
    """A character offset as ``{"row": 1-based line, "column": 1-based column}``."""
    starts = context.line_offsets
    row = min(bisect.bisect_right(starts, offset), len(starts) - 1) or 1
    return {"row": row, "column": offset - starts[row - 1] + 1}


@cache
def project_url() -> str | None:
    """The project's home from its package metadata (``[project.urls]``), if it declares one."""
    try:
        urls = metadata.metadata("kcodegen").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("repository", "source", "homepage") and url.strip():
            return url.strip().rstrip("/")
    return None


def rule_url(rule: Rule) -> str | None:
    """Where a rule is explained: its section of docs/rules.md in the project's repository."""
    home = project_url()
    return f"{home}/blob/main/docs/rules.md#{rule.code.lower()}-{rule.name}" if home else None
