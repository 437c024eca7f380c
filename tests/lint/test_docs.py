"""docs/rules.md is generated from the rules; a stale page fails here."""

from __future__ import annotations

from kcodegen.lint.docs import PAGE, render
from kcodegen.lint.registry import all_rules


def test_rules_page_is_up_to_date() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run `python -m kcodegen.lint.docs --write` and commit it"
    )


def test_page_has_a_row_and_a_section_per_rule() -> None:
    page = render()
    for rule in all_rules():
        assert f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} |" in page
        assert f"### {rule.code} {rule.name}\n" in page
