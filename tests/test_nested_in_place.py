"""Nested Sequential models a builder makes where no name holds one model (kept in a list and
reached by index, or made in a loop), as keras.applications' ConvNeXt builds its stem and
downsampling steps. A subclass builds them from their text; the statements that filled the list
go with the model. ``samples/stages_in_a_list`` is the whole case, golden and verified."""

from __future__ import annotations

from pathlib import Path

from kcodegen.convert import convert
from kcodegen.frontend.syntax import dedented_continuation

SAMPLE = (Path(__file__).resolve().parent.parent / "samples/stages_in_a_list/model.py").read_text()


def test_the_list_and_what_fills_it_go_with_the_model() -> None:
    conversion = convert(SAMPLE, "subclassing")

    assert conversion.converted == ("build_net",)
    assert "downsamplers" not in conversion.output
    assert conversion.output.count("keras.Sequential(") == 3
    # Only the model they belong to is a model to convert: not each part on its own.
    assert [graph.name for graph in conversion.models] == ["build_net"]


def test_a_list_read_after_the_model_keeps_the_conversion_from_taking_it() -> None:
    source = SAMPLE.replace(
        "    x = layers.GlobalAveragePooling2D()(x)",
        "    print(len(downsamplers))\n    x = layers.GlobalAveragePooling2D()(x)",
    )

    conversion = convert(source, "subclassing")

    assert conversion.output == source
    (refusal,) = conversion.refusals
    assert any("`downsamplers`" in reason.message for reason in refusal.reasons)


def test_a_builder_that_names_its_parts_checks_the_name_they_were_written_for() -> None:
    """The parts are written with this call's values (``name="net_stem"``), so another name
    would build differently named layers: the converted builder refuses it."""
    output = convert(SAMPLE, "subclassing").output

    assert 'if name != "net":' in output


def test_a_call_on_a_line_of_its_own_is_moved_to_column_zero() -> None:
    written = "keras.Sequential(\n        [\n            layers.Dense(2),\n        ],\n    )"

    assert dedented_continuation(written) == (
        "keras.Sequential(\n    [\n        layers.Dense(2),\n    ],\n)"
    )


def test_a_call_whose_last_line_is_not_its_bracket_is_left_as_written() -> None:
    written = "keras.Sequential([layers.Dense(2)],\n        name='a')"

    assert dedented_continuation(written) == written
