"""A helper called several times becomes one Layer class in Subclassing output (``codegen/outline``),
only where one class can stand for every call; elsewhere its layers are written out, as before."""

from __future__ import annotations

import textwrap

import pytest

from kcodegen.convert import convert

HEADER = """\
import keras
from keras import layers

"""

CONV_BN = """\
def conv_bn(x, filters, kernel_size=3, strides=1):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same")(x)
    return layers.BatchNormalization()(x)
"""


def subclass(body: str) -> str:
    return convert(HEADER + textwrap.dedent(body), "subclassing").output


def test_a_helper_called_twice_becomes_a_class_with_its_signature() -> None:
    output = subclass(
        CONV_BN
        + """
inputs = keras.Input(shape=(16, 16, 3))
x = conv_bn(inputs, 8)
features = conv_bn(x, 16, strides=2)
outputs = layers.GlobalAveragePooling2D()(features)
model = keras.Model(inputs, outputs)
"""
    )
    assert "class ConvBn(layers.Layer):" in output
    assert "def __init__(self, filters, kernel_size=3, strides=1, **kwargs):" in output
    # the helper's own text, which reads the class's parameters
    assert 'layers.Conv2D(filters, kernel_size, strides=strides, padding="same")' in output
    assert "def call(self, x, training=None):" in output
    # each call becomes one layer, its arguments as the call wrote them
    assert "self.conv_bn = ConvBn(8)" in output
    assert "self.conv_bn_1 = ConvBn(16, strides=2)" in output
    # the result keeps the name its caller gave it
    assert "features = self.conv_bn_1(x, training=training)" in output
    assert output.count("layers.Conv2D(") == 2  # the helper's, and the class's: no pasted copies


def test_helpers_in_helpers_become_blocks_in_blocks() -> None:
    output = subclass(
        CONV_BN
        + """

def stage(x, filters):
    x = conv_bn(x, filters, strides=2)
    return conv_bn(x, filters)


inputs = keras.Input(shape=(16, 16, 3))
x = stage(inputs, 8)
x = stage(x, 16)
model = keras.Model(inputs, x)
"""
    )
    assert "class Stage(layers.Layer):" in output
    assert "self.conv_bn = ConvBn(filters, strides=2)" in output  # the caller's text, in Stage
    assert "self.stage_1 = Stage(16)" in output


def test_a_helper_with_two_tensor_parameters_takes_both_in_call() -> None:
    output = subclass(
        """
def merge(x, skip, units):
    return layers.Dense(units)(layers.Concatenate()([x, skip]))


a = keras.Input(shape=(4,))
b = keras.Input(shape=(4,))
h = merge(a, b, 8)
h = merge(h, b, 4)
model = keras.Model([a, b], h)
"""
    )
    assert "def call(self, x, skip):" in output
    assert "self.merge(a, b)" in output


def test_a_name_parameter_names_the_block() -> None:
    output = subclass(
        """
def double(x, filters, name):
    x = layers.Dense(filters, name=f"{name}_1")(x)
    return layers.Dense(filters, name=f"{name}_2")(x)


inputs = keras.Input(shape=(4,))
x = double(inputs, 8, name="down")
x = double(x, 4, name="up")
model = keras.Model(inputs, x)
"""
    )
    assert "super().__init__(name=name, **kwargs)" in output
    assert 'self.down = Double(8, name="down")' in output  # the name, not down_1, names it
    assert 'name=f"{name}_1"' in output


@pytest.mark.parametrize(
    ("why", "helper", "calls"),
    [
        (
            "called once: nothing is pasted twice",
            CONV_BN,
            "x = conv_bn(inputs, 8)",
        ),
        (
            "an if: which layers a call makes may follow its arguments",
            """\
def block(x, units):
    x = layers.Dense(units)(x)
    if units > 4:
        x = layers.ReLU()(x)  # Block(2) would have to make no ReLU
    return x
""",
            "x = block(inputs, 8)\nx = block(x, 8)",
        ),
        (
            "two results",
            """\
def pair(x, units):
    return layers.Dense(units)(x), layers.Dense(units)(x)
""",
            "x, y = pair(inputs, 8)\nx, z = pair(x, 8)\nx = layers.Add()([x, y, z])",
        ),
        (
            "it reads a tensor of its caller that no parameter passes",
            """\
def add_input(x, units):
    return layers.Add()([layers.Dense(4)(x), inputs])
""",
            "x = add_input(inputs, 8)\nx = add_input(x, 8)",
        ),
        (
            "a layer of the caller's, shared by every call",
            """\
def through(x, layer):
    return layers.ReLU()(layer(x))
""",
            "shared = layers.Dense(4)\nx = through(inputs, shared)\nx = through(x, shared)",
        ),
        (
            "the class would ignore `units`: a helper written out inside made the layer with it",
            """\
def maybe_dense(x, units):
    if units > 4:
        x = layers.Dense(units)(x)
    return x


def wrapped(x, units):
    return layers.ReLU()(maybe_dense(x, units))
""",
            "x = wrapped(inputs, 8)\nx = wrapped(x, 8)",
        ),
    ],
    ids=["once", "if", "two-results", "closure", "shared-layer", "unread-parameter"],
)
def test_a_helper_stays_written_out_when_one_class_cannot_stand_for_its_calls(
    why: str, helper: str, calls: str
) -> None:
    source = (
        f"{helper}\n\ninputs = keras.Input(shape=(4,))\n{calls}\nmodel = keras.Model(inputs, x)\n"
    )
    output = subclass(source)
    assert "(layers.Layer):" not in output, why
