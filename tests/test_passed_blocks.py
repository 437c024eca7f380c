"""A helper given a helper to call (MobileNetV3's ``_inverted_res_block(x, ..., activation, ...)``
calls ``activation(x)``, its callers passing ``relu`` or ``hard_swish``): once those fold into
classes, its own class takes the class and makes its layers from it, one class for every call."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from subclass_verified import assert_subclass_computes_the_same

from kcodegen.convert import convert
from kcodegen.frontend.syntax import called_parameters

ACTIVATIONS = """\
import keras
from keras import layers


def relu(x):
    return layers.ReLU()(x)


def swish(x):
    return layers.Activation("swish")(x)


"""

GIVEN = (
    ACTIVATIONS
    + """\
def block(x, units, activation):
    x = layers.Dense(units)(x)
    x = activation(x)
    return activation(x)


inputs = keras.Input(shape=(8,))
x = block(inputs, 8, relu)
x = block(x, 4, swish)
x = block(x, 4, relu)
model = keras.Model(inputs, x)
"""
)

# The block reads its input's width before it rebinds ``x``, and a function of the builder's own
# computes an argument: the class's layers are made in build(), the call passes the value.
SHAPED = (
    ACTIVATIONS
    + """\
def block(x, expansion, activation):
    infilters = x.shape[-1]
    x = layers.Dense(infilters * expansion)(x)
    x = activation(x)
    return layers.Dense(infilters)(x)


def build():
    def wide(d):
        return d * 2

    inputs = keras.Input(shape=(8,))
    x = block(inputs, wide(1), relu)
    x = block(x, wide(2), swish)
    x = block(x, 1, relu)
    x = block(x, 1, swish)
    return keras.Model(inputs, x)


model = build()
"""
)


def test_a_helper_called_through_a_parameter_is_made_from_the_class_each_call_passes() -> None:
    output = convert(GIVEN, "subclassing").output
    assert "def __init__(self, units, activation, **kwargs):" in output
    assert "self.activation = activation()" in output
    assert "self.activation_1 = activation()" in output
    assert "self.block = Block(8, Relu)" in output
    assert "self.block_1 = Block(4, Swish)" in output
    assert output.count("layers.ReLU(") == 1


def test_a_block_made_in_build_names_its_layers_apart_from_its_parameters() -> None:
    output = convert(SHAPED, "subclassing").output
    assert "infilters = input_shape[-1]" in output
    assert "self.activation = activation" in output  # the parameter, kept for build()
    assert "self.activation_1 = self.activation()" in output
    assert "Block(2, Relu)" in output and "Block(4, Swish)" in output  # not ``wide(1)``


def test_a_default_naming_a_helper_names_its_class() -> None:
    source = GIVEN.replace("units, activation):", "units, activation=relu):").replace(
        "block(x, 4, relu)", "block(x, 4)"
    )
    output = convert(source, "subclassing").output
    assert "def __init__(self, units, activation=Relu, **kwargs):" in output
    assert "self.block_2 = Block(4)" in output


@pytest.mark.parametrize(
    "reading",
    [
        "x = layers.Dense(units, name=activation.__name__)(x)",  # the function's own attribute
        "act = activation\n    x = act(layers.Dense(units)(x))",  # another name for it
    ],
    ids=["attribute", "alias"],
)
def test_a_parameter_read_otherwise_keeps_the_helper_it_was_given(reading: str) -> None:
    source = GIVEN.replace("x = layers.Dense(units)(x)", reading)
    output = convert(source, "subclassing").output
    assert "activation()" not in output
    assert "Relu)" not in output


def test_the_parameters_a_body_only_calls() -> None:
    function = cst.parse_module(
        textwrap.dedent(
            """\
            def block(x, act, norm, other, unused):
                x = act(norm(x))
                def inner(other):
                    return other
                return act(x), other.shape
            """
        )
    ).body[0]
    assert isinstance(function, cst.FunctionDef)
    assert called_parameters(function) == ("act", "norm")


@pytest.mark.slow
@pytest.mark.parametrize("source", [GIVEN, SHAPED], ids=["given", "shaped"])
def test_a_block_given_a_class_computes_what_the_helper_did(source: str) -> None:
    assert_subclass_computes_the_same(source, path="passed.py")
