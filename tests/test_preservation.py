"""The preservation check itself: it fails when a user's statement is lost or moved, and a model's
alias (``model = discriminator``) or its later use is the user's statement, never the model's."""

from __future__ import annotations

from dataclasses import replace

import pytest
from preservation import assert_preserved, kept_statements
from sample_cases import SAMPLES

from kcodegen.convert import convert
from kcodegen.frontend import parse_models

ALIASED = (SAMPLES / "alias_summary_sequential" / "model.py").read_text(encoding="utf-8")


def test_the_statements_after_the_model_are_kept():
    conversion = convert(ALIASED, "functional")

    kept = kept_statements(conversion)

    assert kept[0] == "discriminator.summary()"
    assert kept[1] == "model = discriminator  # the training code below calls it `model`"
    assert kept[2].startswith("model.compile(")
    assert_preserved(conversion)


@pytest.mark.parametrize("style", ["functional", "subclassing"])
def test_a_lost_or_moved_statement_fails_the_check(style):
    conversion = convert(ALIASED, style)
    alias = "model = discriminator  # the training code below calls it `model`\n"
    assert alias in conversion.output

    lost = replace(conversion, output=conversion.output.replace(alias, ""))
    moved = replace(conversion, output=alias + conversion.output.replace(alias, ""))

    for broken in (lost, moved):
        with pytest.raises(AssertionError, match="lost or moved"):
            assert_preserved(broken)


def test_an_alias_of_a_built_model_is_not_part_of_its_construction():
    (graph,) = parse_models(ALIASED).models

    assert graph.name == "discriminator"
    assert graph.site.statements == (2,)  # the Sequential only; summary, alias, compile follow
