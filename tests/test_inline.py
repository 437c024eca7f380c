"""Operations the author wrote inside one expression stay inside it in the converted code."""

from __future__ import annotations

from kcodegen.convert import convert

SUBCLASS = """\
import keras
from keras import layers, ops


class Mixer(keras.Model):
    def __init__(self):
        super().__init__()
        self.up = layers.Dense(8)
        self.out = layers.Dense(1)

    def call(self, x):
        h = self.up(x)
        gate = ops.sigmoid(h)
        h = h * gate + 0.5 * ops.tanh(h)
        s = ops.mean(h, axis=-1, keepdims=True)
        return self.out(h * s + s)


model = Mixer()
model.build((None, 8))
"""


def functional_lines() -> list[str]:
    return [line.strip() for line in convert(SUBCLASS, "functional").output.splitlines()]


def test_nested_operations_are_written_as_one_expression() -> None:
    assert "h = h * gate + 0.5 * ops.tanh(h)" in functional_lines()


def test_a_result_the_author_named_stays_a_statement() -> None:
    lines = functional_lines()
    assert "gate = ops.sigmoid(h)" in lines
    assert "s = ops.mean(h, axis=-1, keepdims=True)" in lines  # used twice, too


def test_an_operation_feeding_a_layer_is_written_before_it() -> None:
    lines = functional_lines()
    assert lines[lines.index("x_1 = h * s + s") + 1] == "outputs = layers.Dense(1)(x_1)"


FUNCTIONAL = """\
import keras
from keras import layers, ops

x = keras.Input(shape=(4,))
a = layers.Dense(4)(x)
b = layers.Dense(4)(x)
y = (a + b) * (a - b) - (b - a) - ops.abs(a * b) ** 2 + (-a) ** 2
model = keras.Model(x, layers.Dense(1)(y))
"""


def test_parentheses_are_kept_where_precedence_needs_them_and_only_there() -> None:
    output = convert(FUNCTIONAL, "subclassing").output

    assert "y = (a + b) * (a - b) - (b - a) - ops.abs(a * b) ** 2 + (-a) ** 2" in output
