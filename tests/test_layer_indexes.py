"""A Functional model's ``layers`` begin with its InputLayer; a Sequential's and a subclass's do
not. A statement that counts the model's layers from the first would reach another layer after
such a conversion, so the conversion refuses it with the line; counting from the end and names
reach the same layers in every style."""

from __future__ import annotations

import pytest

from kcodegen.convert import convert

FUNCTIONAL = """\
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(8, name="d1")(inputs)
outputs = layers.Dense(2, name="d2")(x)
model = keras.Model(inputs, outputs)
{use}
"""

SEQUENTIAL = """\
import keras
from keras import layers

model = keras.Sequential(
    [keras.Input(shape=(4,)), layers.Dense(8, name="d1"), layers.Dense(2, name="d2")]
)
{use}
"""

BUILDER = """\
import keras
from keras import layers


def build():
    inputs = keras.Input(shape=(4,))
    x = layers.Dense(8, name="d1")(inputs)
    return keras.Model(inputs, layers.Dense(2, name="d2")(x))


net = build()
{use}
"""

COUNTED_FROM_THE_FIRST = [
    "model.layers[1].trainable = False",
    "for layer in model.layers[1:]:\n    layer.trainable = False",
    "for layer in model.layers[:2]:\n    layer.trainable = False",
    "first = model.layers[0]",
    "i = 1\nmodel.layers[i].trainable = False",
    "model.get_layer(index=1).trainable = False",
]
THE_SAME_LAYERS = [
    "model.layers[-1].trainable = False",
    "for layer in model.layers[-2:]:\n    layer.trainable = False",
    "for layer in model.layers[:-1]:\n    layer.trainable = False",
    'model.get_layer("d1").trainable = False',
    "for layer in model.layers:\n    layer.trainable = False",
]


def refused_at(source: str, to: str) -> list[int]:
    conversion = convert(source, to)  # type: ignore[arg-type]
    if conversion.refusals:
        assert conversion.output == source
    return [
        reason.line
        for refusal in conversion.refusals
        for reason in refusal.reasons
        if "counts the model's layers from the first" in reason.message
    ]


def line_of_the_count(source: str) -> list[int]:
    lines = source.splitlines()
    return [n for n, line in enumerate(lines, 1) if ".layers[" in line or "get_layer(" in line]


@pytest.mark.parametrize("use", COUNTED_FROM_THE_FIRST)
@pytest.mark.parametrize("to", ["sequential", "subclassing"])
def test_functional_to_a_style_without_the_input_layer_is_refused(use: str, to: str) -> None:
    source = FUNCTIONAL.format(use=use)
    assert refused_at(source, to) == line_of_the_count(source)


@pytest.mark.parametrize("use", COUNTED_FROM_THE_FIRST)
def test_sequential_to_functional_is_refused(use: str) -> None:
    source = SEQUENTIAL.format(use=use)
    assert refused_at(source, "functional") == line_of_the_count(source)


def test_a_model_returned_by_a_builder_is_followed_to_its_variable() -> None:
    source = BUILDER.format(use="net.layers[1].trainable = False")
    assert refused_at(source, "subclassing") == line_of_the_count(source)


@pytest.mark.parametrize("use", THE_SAME_LAYERS)
@pytest.mark.parametrize("to", ["sequential", "subclassing"])
def test_counting_from_the_end_or_by_name_converts(use: str, to: str) -> None:
    conversion = convert(FUNCTIONAL.format(use=use), to)  # type: ignore[arg-type]
    assert conversion.converted == ("model",), conversion.refusals
    assert use in conversion.output


def test_between_styles_without_the_input_layer_the_count_stays() -> None:
    conversion = convert(SEQUENTIAL.format(use="model.layers[1].trainable = False"), "subclassing")
    assert conversion.converted == ("model",), conversion.refusals


def test_another_models_layers_are_not_this_models() -> None:
    source = FUNCTIONAL.format(use="other = keras.Sequential([layers.Dense(1)])\nother.layers[0]")
    assert refused_at(source, "subclassing") == []
