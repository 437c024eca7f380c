"""Conversions that would leave broken or different code are refused, with the line to look at."""

from __future__ import annotations

import textwrap

import pytest

from kcodegen.convert import convert


def reasons(source: str, to: str) -> list[str]:
    conversion = convert(textwrap.dedent(source), to)  # type: ignore[arg-type]
    assert conversion.output == textwrap.dedent(source)  # nothing changes when refused
    return [f"{r.line}: {r.message}" for refusal in conversion.refusals for r in refusal.reasons]


def test_a_model_changed_under_a_run_time_if_is_refused() -> None:
    found = reasons(
        """\
        import os
        import keras

        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4)])
        if os.environ.get("BN"):
            model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.Dense(2))
        """,
        "functional",
    )
    assert (
        "5: `model` may be changed under the `if` at line 5, whose test is only known at run time"
        in found
    )


@pytest.mark.parametrize("to", ["sequential", "subclassing"])
def test_code_left_outside_that_needs_a_replaced_name_is_refused(to: str) -> None:
    found = reasons(
        """\
        import keras

        base = keras.applications.MobileNetV2(
            input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35
        )
        for layer in base.layers:
            layer.trainable = False

        pooled = keras.layers.GlobalMaxPooling2D()(base.layers[-1].output)
        model = keras.Model(base.input, keras.layers.Dense(4)(pooled))
        """,
        to,
    )
    assert any("`for layer in base.layers:` uses `base`" in reason for reason in found), found


def test_names_made_by_f_strings_in_a_loop_are_plain_strings() -> None:
    source = textwrap.dedent(
        """\
        import keras

        inputs = keras.Input(shape=(8, 4))
        x = inputs
        for i, filters in enumerate((8, 16)):
            width = filters
            width *= 2  # a name the body binds twice: the loop is written out pass by pass
            x = keras.layers.Conv1D(width, 3, name=f"conv_{i}")(x)
        model = keras.Model(inputs, x)
        """
    )
    output = convert(source, "subclassing").output
    assert 'name="conv_0"' in output and 'name="conv_1"' in output
    assert 'self.conv_1 = keras.layers.Conv1D(32, 3, name="conv_1")' in output


def test_a_frozen_backbone_stays_frozen_in_a_sequential() -> None:
    source = textwrap.dedent(
        """\
        import keras

        base = keras.applications.MobileNetV2(
            input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35
        )
        base.trainable = False
        x = keras.layers.GlobalAveragePooling2D()(base.output)
        model = keras.Model(base.input, keras.layers.Dense(5)(x))
        """
    )
    output = convert(source, "sequential").output
    assert "base.trainable = False\nmodel = keras.Sequential(" in output
    assert "        base,\n" in output


UNKNOWN_SHAPE = """\
import keras
from keras import layers


class Scale(layers.Layer):
    def call(self, x):
        return keras.ops.tile(x, 2)


def head(x, units):
    return layers.Dense(units)(x)


inputs = keras.Input(shape=(8,))
x = Scale()(inputs)
x = layers.Dense(x.shape[-1])(x)
x = head(x, x.shape[-1])
model = keras.Model(inputs, x)
"""


@pytest.mark.parametrize("to", ["subclassing", "sequential"])
def test_a_layer_argument_from_a_shape_kcg_does_not_know_is_refused_where_it_reads(
    to: str,
) -> None:
    """Both styles create layers where there are no tensors: ``x.shape[-1]`` needs its value."""
    found = reasons(UNKNOWN_SHAPE, to)
    assert any(
        r.startswith("16: `x.shape[-1]`, an argument of `Dense`, reads a tensor")
        and "the output shape of `Scale` (line 15)" in r
        for r in found
    ), found
    # through a helper's parameter: its line, and what the call gave it
    assert any(
        r.startswith("11: `units` (`x.shape[-1]` here), an argument of `Dense`") for r in found
    )
    assert not any("a bug in kcg" in r for r in found), found
