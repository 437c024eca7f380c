"""kcg's linter: rules (one per file in ``rules/``), the runner, configuration and output formats.

    from kcodegen.lint import lint

    for finding in lint(source, select=("KCG2",)):
        print(finding.line, finding.code, finding.message)

Importing this package stays cheap: rule modules import ``kcodegen.lint.rule`` through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kcodegen.lint.rule import Edit, Finding, Fix, Rule


def lint(
    source: str,
    path: str = "<source>",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> list[Finding]:
    """The findings of the registered rules on ``source`` that no ``noqa`` silences, in order.

    ``select``/``ignore`` take codes or prefixes as on the command line. Raises
    ``kcodegen.errors.BadInput`` for an unknown code, or a syntax error met while parsing.
    """
    from kcodegen.lint.config import (
        LintConfig,
        RuleChooser,
        Selection,
        check_selectors,
        parse_codes,
    )
    from kcodegen.lint.registry import all_rules
    from kcodegen.lint.runner import check

    rules = all_rules()
    known = frozenset(rule.code for rule in rules)
    defaults = frozenset(rule.code for rule in rules if rule.default)
    chosen = Selection(
        None if select is None else tuple(c for s in select for c in parse_codes(s)),
        tuple(c for s in ignore for c in parse_codes(s)),
    )
    check_selectors(chosen.select or (), known, "select")
    check_selectors(chosen.ignore, known, "ignore")
    enabled = RuleChooser(known, defaults, chosen).enabled(LintConfig(root=Path.cwd()), None)
    return check(source, path, [rule for rule in rules if rule.code in enabled])


__all__ = ["Edit", "Finding", "Fix", "Rule", "lint"]
