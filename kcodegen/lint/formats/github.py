"""``github``: workflow commands that GitHub Actions shows as annotations on the pull request.

::error title=kcg (KCG201),file=model.py,line=7,col=22,endLine=7,endColumn=40::KCG201 message
"""

from __future__ import annotations

from kcodegen.lint.formats import Report


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    return "".join(
        f"::error title={_property(f'kcg ({finding.code})')},file={_property(result.shown)},"
        f"line={finding.line},col={finding.col + 1},"
        f"endLine={finding.end_line},endColumn={finding.end_col + 1}"
        f"::{_data(f'{finding.code} {finding.message}')}\n"
        for result, finding in report.findings()
    )
