"""NASNet's cells: a helper that returns what it made and the tensor it was given
(``return x, ip``), whose first call is given ``p=None``, and whose calls hold different classes
of the helper they call (``_adjust_block`` folds per branch): the calls given both tensors fold
into one class that returns what it made and takes the inner class as a parameter
(``passed_by_calls``)."""

from __future__ import annotations

import pytest
from subclass_verified import assert_subclass_computes_the_same

from kcodegen.convert import convert

CELLS = """\
import keras
from keras import layers


def adjust(p, ip, units, idx):
    if p is None:
        p = ip
    elif p.shape[-1] != ip.shape[-1]:
        p = layers.Dense(units, name=f"adjust_{idx}")(p)
    elif units > 4:
        p = layers.Activation("relu")(p)
        p = layers.Dense(units, name=f"project_{idx}")(p)
    return p


def cell(ip, p, units, idx):
    p = adjust(p, ip, units, idx)
    h = layers.Dense(units, name=f"cell_{idx}")(ip)
    x = layers.add([h, p])
    return x, ip


inputs = keras.Input(shape=(8,))
x, p = cell(inputs, None, 8, 0)
x, p = cell(x, p, 8, 1)
x, p = cell(x, p, 16, 2)
x, p = cell(x, p, 16, 3)
x, p = cell(x, p, 16, 4)
x, p = cell(x, p, 32, 5)
x, p = cell(x, p, 32, 6)
model = keras.Model(inputs, x)
"""


def test_cells_holding_different_inner_classes_fold_into_one_taking_the_class() -> None:
    output = convert(CELLS, "subclassing").output
    assert "class Cell(layers.Layer):" in output
    assert "def __init__(self, units, idx, adjust=Adjust1, **kwargs):" in output
    assert "self.adjust = adjust(units, idx)" in output
    assert "Cell(16, 3, adjust=Adjust2)" in output
    assert "Cell(16, 4, adjust=Adjust1)" in output
    # the class returns what it made; the caller reads the tensor it passed as it did
    assert "return self.add([h, p])" in output
    assert "x = self.cell_1(x_1, x)" in output
    # the call given ``p=None`` stays written out
    assert 'self.cell_0 = layers.Dense(8, name="cell_0")' in output


def test_a_helper_returning_two_tensors_it_made_stays_written_out() -> None:
    source = CELLS.replace("return x, ip", "return x, h")
    output = convert(source, "subclassing").output
    assert "class Cell" not in output
    assert output.count("layers.Dense(") >= 7


@pytest.mark.slow
def test_the_cells_class_computes_what_the_helper_did() -> None:
    assert_subclass_computes_the_same(CELLS, path="cells.py")
