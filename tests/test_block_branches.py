"""A helper whose ``if``/``elif``/``else`` chain picks what it builds (InceptionResNetV2's
``inception_resnet_block``, on ``block_type``) folds into one Layer class per set of branches its
calls took (``syntax.chain_if``, ``Invocation.arms``, ``outline._kind``)."""

from __future__ import annotations

import textwrap

import pytest
from subclass_verified import assert_subclass_computes_the_same

from kcodegen.convert import convert

HEADER = """\
import keras
from keras import layers

"""

CHAIN = """\
def block(x, units, kind, idx, activation="relu"):
    if kind == "wide":
        y = layers.Dense(units * 2, name=f"{kind}_{idx}_a")(x)
        y = layers.Dense(units, name=f"{kind}_{idx}_b")(y)
    elif kind == "narrow":
        y = layers.Dense(units, name=f"{kind}_{idx}_a")(x)
    else:
        raise ValueError(kind)
    x = layers.Add()([x, y])
    if activation is not None:
        x = layers.Activation(activation)(x)
    return x


inputs = keras.Input(shape=(8,))
x = block(inputs, 8, "wide", 1)
x = block(x, 8, "wide", 2)
x = block(x, 8, kind="narrow", idx=1)
x = block(x, 8, "narrow", 2, activation=None)
model = keras.Model(inputs, x)
"""


def subclass(body: str) -> str:
    return convert(HEADER + textwrap.dedent(body), "subclassing").output


def test_calls_that_took_each_branch_of_a_chain_fold_into_a_class_per_branch() -> None:
    output = subclass(CHAIN)
    # named for the string the taken test compares with
    assert "class BlockWide(layers.Layer):" in output
    assert "class BlockNarrow(layers.Layer):" in output
    assert "self.block = BlockWide(8, " in output
    assert 'BlockNarrow(8, "narrow", 2, activation=None)' in output
    # each branch's layers written once, in its class; what follows the chain in each
    assert output.count("layers.Dense(") == 3
    assert output.count("layers.Add(") == 2
    assert "kind ==" not in output  # each class is one branch: no test left to decide
    assert "if activation is not None:" in output  # an ``if`` of the helper's, kept


def test_a_chain_every_call_takes_alike_folds_into_the_helpers_class() -> None:
    output = subclass(CHAIN.replace('"narrow"', '"wide"'))
    assert "class Block(layers.Layer):" in output
    assert output.count("layers.Dense(") == 2


def test_a_branch_one_call_took_stays_written_out() -> None:
    output = subclass(CHAIN.replace('x = block(x, 8, "wide", 2)\n', ""))
    assert "class BlockNarrow(layers.Layer):" in output
    assert "BlockWide" not in output
    assert 'layers.Dense(16, name="wide_1_a")' in output  # the one call, written out


CHOSEN_ONLY = """\
def block(x, units, kind):
    if kind == "wide":
        y = layers.Dense(units * 2)(x)
        y = layers.Dense(units)(y)
    else:
        y = layers.Dense(units)(x)
    return layers.Add()([x, y])


inputs = keras.Input(shape=(8,))
x = inputs
for i in range(4):
    x = block(x, 8, "wide" if i % 2 else "narrow")
model = keras.Model(inputs, x)
"""


def test_a_parameter_only_the_chain_reads_is_the_class_not_an_argument() -> None:
    output = subclass(CHOSEN_ONLY)
    assert "class Block1(layers.Layer):" in output  # no string names the ``else``: numbered
    assert "class BlockWide(layers.Layer):" in output
    assert output.count("def __init__(self, units, **kwargs):") == 2
    assert "self.block = Block1(8)" in output
    assert "self.block_1 = BlockWide(8)" in output
    assert "kind" not in output


@pytest.mark.slow
@pytest.mark.parametrize("source", [CHAIN, CHOSEN_ONLY], ids=["chain", "chosen-only"])
def test_a_class_per_branch_computes_what_the_helper_did(source: str) -> None:
    assert_subclass_computes_the_same(HEADER + source)
