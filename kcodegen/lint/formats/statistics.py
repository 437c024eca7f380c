"""``--statistics``: how many findings of each code, most frequent first, like ruff.

12  KCG201  [*] `input_shape=` on a layer is deprecated in Keras 3
 1  KCG301  [ ] output not reachable from the inputs
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from kcodegen.lint.formats import Report


@dataclass(frozen=True)
class Row:
    code: str
    name: str | None
    count: int
    fixable: bool
    message: str


def rows(report: Report) -> list[Row]:
    counts = Counter(finding.code for _, finding in report.findings())
    fixable = {finding.code for _, finding in report.findings() if finding.fix is not None}
    messages: dict[str, str] = {}
    for _, finding in report.findings():
        messages.setdefault(finding.code, finding.message)
    out = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(code)
        message = rule.message if rule else messages[code]
        out.append(Row(code, rule.name if rule else None, count, code in fixable, message))
    return out


def render(report: Report, as_json: bool = False) -> str:
    table = rows(report)
    if as_json:
        return json.dumps([asdict(row) for row in table], indent=2, ensure_ascii=False) + "\n"
    if not table:
        return ""
    count_width = max(len(str(row.count)) for row in table)
    code_width = max(len(row.code) for row in table)
    return "".join(
        f"{row.count:>{count_width}}  {row.code:<{code_width}}  "
        f"{'[*]' if row.fixable else '[ ]'} {row.message}\n"
        for row in table
    )
