"""A helper that returns the block it defines, called at once with the tensor (``ConvNeXtBlock(
...)(x)``, as Keras writes ConvNeXt and EfficientNetV2), becomes one Layer class in Subclassing
output: the helper's parameters are its ``__init__``'s, the inner function's body its ``call``."""

from __future__ import annotations

import textwrap

import pytest
from subclass_verified import assert_subclass_computes_the_same

from kcodegen.convert import convert

HEADER = """\
import keras
from keras import backend
from keras import layers

"""

BLOCK = """\
def block(units, rate=0.0, name=None):
    if name is None:
        name = f"block{backend.get_uid('block')}"

    def apply(inputs):
        x = layers.Dense(units, name=f"{name}_dense")(inputs)
        if rate:
            layer = layers.Dropout(rate, name=f"{name}_drop")
        else:
            layer = layers.Activation("linear", name=f"{name}_identity")
        return inputs + layer(x)

    return apply


inputs = keras.Input(shape=(4,))
{calls}
model = keras.Model(inputs, x)
"""

NAMED = 'x = block(4, name="a")(inputs)\nx = block(4, name="b")(x)'


def subclass(body: str) -> str:
    return convert(HEADER + textwrap.dedent(body), "subclassing").output


def test_a_helper_returning_its_block_becomes_one_class() -> None:
    output = subclass(BLOCK.replace("{calls}", NAMED))
    assert "class Block(layers.Layer):" in output, output
    # ``rate`` only decides between the ifs, the same way for every call: the class, which
    # writes the way they took, does not take it
    assert "def __init__(self, units, name=None, **kwargs):" in output
    assert 'self.dense = layers.Dense(units, name=f"{name}_dense")' in output
    assert "def call(self, inputs):" in output
    assert 'self.a = Block(4, name="a")' in output  # the name names the attribute
    assert output.count("layers.Dense(") == 1
    assert "def block(" not in output  # nothing calls the helper any more


def test_a_call_that_fills_in_the_name_itself_is_no_call_of_the_class() -> None:
    """``if name is None: name = ...`` ran for one call: its layers read another name than the
    one passed, so the calls do not fold (the class would read ``name`` as passed)."""
    output = subclass(BLOCK.replace("{calls}", 'x = block(4, name="a")(inputs)\nx = block(4)(x)'))
    assert "(layers.Layer):" not in output, output


def test_a_picking_if_whose_test_reads_what_the_class_takes_is_no_class() -> None:
    """Both calls drop out at 0.5: a class taking ``rate`` and always dropping out would
    ignore what ``if rate:`` decides."""
    calls = 'x = block(4, 0.5, name="a")(inputs)\nx = block(4, 0.5, name="b")(x)'
    output = subclass(BLOCK.replace("{calls}", calls))
    assert "(layers.Layer):" not in output, output


def test_the_block_kept_to_be_called_later_stays_written_out() -> None:
    calls = 'made = block(4, name="a")\nx = made(inputs)\nx = block(4, name="b")(x)'
    output = subclass(BLOCK.replace("{calls}", calls))
    assert "(layers.Layer):" not in output, output
    assert 'self.a_dense = layers.Dense(4, name="a_dense")' in output
    assert 'self.b_dense = layers.Dense(4, name="b_dense")' in output


@pytest.mark.slow
def test_the_class_computes_what_the_helper_did() -> None:
    assert_subclass_computes_the_same(HEADER + BLOCK.replace("{calls}", NAMED))
