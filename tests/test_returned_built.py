"""A builder that returns its Functional model returns a built model: ``count_params()``,
``save_weights`` and ``summary()`` work on it at once. Its Subclassing conversion returns the
subclass built the same way (``model = Net(...)``, ``model(keras.Input(...))``, ``return model``)
and keeps the builder's name for the model, so the two are verified as one."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap

import pytest

from kcodegen.convert import convert

BUILDER = textwrap.dedent(
    """\
    import keras
    from keras import layers


    def build(units=8, input_shape=(6,)):
        inputs = keras.Input(shape=input_shape)
        x = layers.Dense(units, activation="relu")(inputs)
        x = layers.Dense(inputs.shape[-1] * 2)(x)  # a value the input's shape gives
        return keras.Model(inputs, x)


    model = build()
    print("params", model.count_params())
    """
)


def test_the_converted_builder_builds_the_subclass_before_returning_it() -> None:
    conversion = convert(BUILDER, "subclassing")

    assert conversion.converted == ("build",)
    assert (
        "    model = BuildModel(units=units)\n"
        "    model(keras.Input(shape=input_shape))\n"
        "    return model\n"
    ) in conversion.output


def test_a_shape_parameter_is_checked_since_a_layer_holds_a_value_from_that_shape() -> None:
    """``Dense(12)`` was computed from ``input_shape=(6,)``: another shape would need another
    layer, so the converted builder refuses it rather than build the wrong one."""
    output = convert(BUILDER, "subclassing").output

    assert "layers.Dense(12)" in output
    assert "if input_shape != (6,):" in output


def test_converting_back_needs_no_input_shape() -> None:
    """The build call says the shape: Subclassing -> Functional reads it from there."""
    subclass = convert(BUILDER, "subclassing").output

    back = convert(subclass, "functional")

    assert back.converted == ("build",), back.refusals
    assert "    inputs = keras.Input(shape=(6,))\n" in back.output


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs the tf extra")
def test_the_converted_script_runs_as_the_original_does(tmp_path) -> None:
    outputs = []
    for name, text in (
        ("original", BUILDER),
        ("converted", convert(BUILDER, "subclassing").output),
    ):
        script = tmp_path / f"{name}.py"
        script.write_text(text, encoding="utf-8")
        ran = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=300
        )
        assert ran.returncode == 0, ran.stderr[-2000:]
        outputs.append([line for line in ran.stdout.splitlines() if line.startswith("params")])
    assert outputs[0] == outputs[1] == ["params 164"]  # 6 * 8 + 8, then 8 * 12 + 12
