"""Every rule against its own VALID and INVALID cases, and the contract every rule keeps.

A VALID case must give no finding of its rule; an INVALID case must give one at its line, and
when it lists the fixed code, applying the fixes must give exactly that code, which is then clean.
"""

from __future__ import annotations

import ast
import re

import pytest

from kcodegen.lint.docs import PARTS, parts
from kcodegen.lint.fix import apply_fixes
from kcodegen.lint.registry import all_rules, rule_by_code
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule

RULES = all_rules()


def findings(rule: Rule, source: str) -> list[Finding]:
    return [
        found for found in rule.check(LintContext("case.py", source)) if found.code == rule.code
    ]


def _cases(kind: str) -> list[pytest.param]:
    return [
        pytest.param(rule, case, id=f"{rule.code}-{number}")
        for rule in RULES
        for number, case in enumerate(getattr(rule, kind))
    ]


@pytest.mark.parametrize(("rule", "source"), _cases("VALID"))
def test_valid_case_has_no_finding(rule: Rule, source: str) -> None:
    assert findings(rule, source) == []


@pytest.mark.parametrize(("rule", "case"), _cases("INVALID"))
def test_invalid_case_is_found_at_its_line(rule: Rule, case: Invalid) -> None:
    assert rule.applies_to(case.code), "the rule's triggers would skip this case"
    found = findings(rule, case.code)
    assert case.line in [f.line for f in found], f"expected line {case.line}, got {found}"


@pytest.mark.parametrize(
    ("rule", "case"), [p for p in _cases("INVALID") if p.values[1].fixed is not None]
)
def test_fix_gives_the_fixed_code_which_is_clean(rule: Rule, case: Invalid) -> None:
    fixed, count = apply_fixes(case.code, findings(rule, case.code))
    assert count >= 1
    assert fixed == case.fixed
    ast.parse(fixed)
    assert findings(rule, fixed) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_is_documented_and_tested(rule: Rule) -> None:
    assert re.fullmatch(r"KCG[1-3]\d\d", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.message and "\n" not in rule.message
    documented = parts(rule)
    assert list(documented) == list(PARTS), "the docstring needs the four parts, in order"
    assert all(documented.values()), "every part of the docstring has text"
    assert len(rule.VALID) >= 2 and len(rule.INVALID) >= 2
    assert rule.needs in ("text", "cst", "models")
    if rule.fixable:
        assert any(case.fixed is not None for case in rule.INVALID), "show the fix in a case"
    else:
        assert all(case.fixed is None for case in rule.INVALID)


def test_codes_and_names_are_unique_and_sorted() -> None:
    codes = [rule.code for rule in RULES]
    assert codes == sorted(set(codes))
    assert len({rule.name for rule in RULES}) == len(RULES)
    assert len(RULES) >= 13


def test_rule_by_code() -> None:
    assert rule_by_code(RULES[0].code) is RULES[0]
    with pytest.raises(KeyError, match="KCG999"):
        rule_by_code("KCG999")


def test_positions_count_characters_and_python_lines() -> None:
    """ast reports UTF-8 byte columns and str.splitlines splits at form feeds: neither may shift
    a finding or its fix."""
    rule = rule_by_code("KCG204")
    source = 'import keras\n\x0c\nname = "héllo"; opt = keras.optimizers.Adam(lr=0.1)\n'
    (found,) = findings(rule, source)
    assert (found.line, found.col) == (3, source.splitlines()[-1].index("lr"))
    fixed, _ = apply_fixes(source, [found])
    assert fixed == source.replace("lr=", "learning_rate=")
