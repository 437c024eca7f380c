"""``sarif``: SARIF 2.1.0, the format GitHub code scanning uploads (``github/codeql-action/upload-sarif``).

Every rule that ran is described in ``tool.driver.rules`` (results point at it by ``ruleIndex``);
file locations are relative to the current folder with forward slashes, so code scanning can map
them onto the repository; columns count characters (``columnKind``), end columns are exclusive.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from urllib.parse import quote

from kcodegen import __version__
from kcodegen.lint.docs import CODE_PARTS, PARTS, parts
from kcodegen.lint.formats import Report, project_url, rule_url
from kcodegen.lint.rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: Report) -> str:
    rules = sorted(report.rules.values(), key=lambda rule: rule.code)
    index = {rule.code: number for number, rule in enumerate(rules)}
    driver: dict[str, object] = {"name": "kcg", "version": __version__}
    if project_url():
        driver["informationUri"] = project_url()
    driver["rules"] = [_descriptor(rule) for rule in rules]
    results = [
        {
            "ruleId": finding.code,
            **({"ruleIndex": index[finding.code]} if finding.code in index else {}),
            "level": "error",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(result.shown)},
                        "region": {
                            "startLine": finding.line,
                            "startColumn": finding.col + 1,
                            "endLine": finding.end_line,
                            "endColumn": finding.end_col + 1,
                        },
                    }
                }
            ],
        }
        for result, finding in report.findings()
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def artifact_uri(shown: str) -> str:
    """A relative URI (``src/model.py``) for files under the current folder, else a ``file:`` URI."""
    absolute = Path(os.path.abspath(shown))
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return absolute.as_uri()
    return quote(relative.as_posix())


def _descriptor(rule: Rule) -> dict[str, object]:
    found = parts(rule)
    full = " ".join(found[label] for label in PARTS[:2] if found.get(label)) or rule.message
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": full},
        "help": {"text": _help_text(found) or full, "markdown": _help_markdown(found) or full},
        "defaultConfiguration": {"level": "error"},
    }
    url = rule_url(rule)
    if url:
        descriptor["helpUri"] = url
    return descriptor


def _help_text(found: dict[str, str]) -> str:
    return "\n\n".join(
        f"{label}:\n{textwrap.indent(body, '    ')}" if label in CODE_PARTS else f"{label}: {body}"
        for label, body in found.items()
    )


def _help_markdown(found: dict[str, str]) -> str:
    return "\n\n".join(
        f"**{label}**\n\n```python\n{body}\n```"
        if label in CODE_PARTS
        else f"**{label}**\n\n{body}"
        for label, body in found.items()
    )
