"""Keras settings read at run time (``backend.image_data_format()``): kcg takes the Keras default
or the value given with ``--assume``, says so with the line, and verifies under the same setting."""

from __future__ import annotations

import json

import pytest

from kcodegen.analysis.report import analyze
from kcodegen.convert import convert
from kcodegen.frontend.keras_config import parse_assumption, setting

# A model whose structure depends on the image data format, as keras.applications code does.
PERMUTED = """\
import keras
from keras import backend, layers

inputs = keras.Input(shape=(4, 6))
x = layers.Dense(6)(inputs)
if backend.image_data_format() == "channels_first":
    x = layers.Permute((2, 1))(x)
x = layers.Flatten()(x)
outputs = layers.Dense(3, dtype=keras.config.floatx())(x)
model = keras.Model(inputs, outputs)
"""


def test_the_settings_read_are_named_with_their_lines_and_defaults():
    conversion = convert(PERMUTED, "sequential")

    notes = [(a.line, a.describe()) for a in conversion.assumptions]

    assert notes == [
        (
            6,
            'assumed image_data_format() == "channels_last" '
            "(Keras default; --assume image_data_format=channels_first to change)",
        ),
        (9, 'assumed floatx() == "float32" (Keras default; --assume floatx=float16 to change)'),
    ]


def test_an_assumed_setting_decides_the_branch():
    default = convert(PERMUTED, "sequential", assume={})
    first = convert(PERMUTED, "sequential", assume={"image_data_format": "channels_first"})

    assert "Permute" not in "".join(g.layers[1].cls for g in default.models)
    assert "layers.Permute((2, 1))," in first.output
    assert (
        first.assumptions[0].describe()
        == 'assumed image_data_format() == "channels_first" (--assume)'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("image_data_format=channels_first", ("image_data_format", "channels_first")),
        ("floatx=float64", ("floatx", "float64")),
        ("epsilon=1e-3", ("epsilon", 0.001)),
    ],
)
def test_assumptions_are_parsed(text, expected):
    assert parse_assumption(text) == expected


@pytest.mark.parametrize(
    "text", ["image_data_format=rgb", "colour=red", "epsilon=small", "backend=jax", "floatx"]
)
def test_a_bad_assumption_is_refused(text):
    with pytest.raises(ValueError, match=text.split("=")[0]):
        parse_assumption(text)


def test_settings_are_found_in_both_namespaces():
    assert setting("keras.backend.image_data_format") == "image_data_format"
    assert setting("keras.config.floatx") == "floatx"
    assert setting("keras.config.set_floatx") is None
    assert setting("keras.ops.floatx") is None


def test_the_cli_notes_the_assumptions_and_checks_assume(run_kcg, tmp_path):
    model = tmp_path / "model.py"
    model.write_text(PERMUTED)

    noted = run_kcg("convert", model, "--to", "functional", "--no-verify")
    bad = run_kcg("convert", model, "--to", "functional", "--assume", "image_data_format=rgb")
    analyzed = run_kcg("analyze", model, "--format", "json")

    assert f"{model}:6: note: assumed image_data_format()" in noted.stderr.decode()
    assert bad.returncode == 2 and b"channels_last, channels_first" in bad.stderr
    assumptions = json.loads(analyzed.stdout)["files"][0]["assumptions"]
    assert [a["line"] for a in assumptions] == [6, 9]


def test_analyze_reports_the_assumptions():
    analysis = analyze(PERMUTED, assume={"floatx": "float64"})

    assert [a.message for a in analysis.assumptions][
        1
    ] == 'assumed floatx() == "float64" (--assume)'


@pytest.mark.slow
def test_verification_runs_under_the_assumed_setting(run_kcg, tmp_path):
    """The channels_first branch written out (Permute) computes what the original computes only
    where image_data_format() is channels_first: the worker builds both under that setting."""
    model = tmp_path / "model.py"
    model.write_text(PERMUTED)

    result = run_kcg(
        "convert", model, "--to", "sequential", "--assume", "image_data_format=channels_first"
    )

    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert "verified" in result.stderr.decode()
