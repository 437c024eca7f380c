"""Subclass attributes are named after the author's variable, or ``name=``, or the class. A
variable that held several layers (a helper's ``layer``, written out once per call) names none
of them well: there each layer's own ``name=`` does."""

from __future__ import annotations

from kcodegen.convert import convert

SOURCE = """\
import keras
from keras import layers


def head(x, rate, name):
    if rate:
        layer = layers.Dropout(rate, name=f"{name}_drop")
    else:
        layer = layers.Activation("linear", name=f"{name}_identity")
    return layer(x)


inputs = keras.Input(shape=(4,))
x = head(inputs, 0.0, "a")
x = layers.Dense(4)(x)
x = head(x, 0.5, "b")
projection = layers.Dense(4, name="proj")
model = keras.Model(inputs, projection(x))
"""


def test_a_variable_that_held_several_layers_gives_way_to_their_names() -> None:
    output = convert(SOURCE, "subclassing").output

    assert "self.a_identity = layers.Activation(" in output
    assert "self.b_drop = layers.Dropout(" in output
    assert "self.layer" not in output


def test_a_variable_that_held_one_layer_names_it() -> None:
    output = convert(SOURCE, "subclassing").output

    assert 'self.projection = layers.Dense(4, name="proj")' in output
