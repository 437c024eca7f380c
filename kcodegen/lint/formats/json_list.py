"""``json``: a list of findings, ruff's shape; rows and columns 1-based, end exclusive."""

from __future__ import annotations

import json

from kcodegen.lint.formats import Report, location, rule_url
from kcodegen.lint.rule import Finding, LintContext
from kcodegen.lint.runner import FileResult


def render(report: Report) -> str:
    items = [
        _item(report, result, LintContext(result.shown, result.source), finding)
        for result in report.results
        for finding in result.findings
    ]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _item(
    report: Report, result: FileResult, context: LintContext, finding: Finding
) -> dict[str, object]:
    rule = report.rules.get(finding.code)
    return {
        "code": finding.code,
        "name": rule.name if rule else None,
        "message": finding.message,
        "filename": result.shown,
        "location": {"row": finding.line, "column": finding.col + 1},
        "end_location": {"row": finding.end_line, "column": finding.end_col + 1},
        "fix": None
        if finding.fix is None
        else {
            "message": finding.fix.description,
            "edits": [
                {
                    "content": edit.text,
                    "location": location(context, edit.start),
                    "end_location": location(context, edit.end),
                }
                for edit in finding.fix.edits
            ],
        },
        "url": rule_url(rule) if rule else None,
    }
