"""Comments on layer lines travel with their layer into every style."""

from __future__ import annotations

import pytest

from kcodegen.convert import convert

SEQUENTIAL_LIST = """\
import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        # first block
        layers.Dense(8, activation="relu"),  # hidden
        layers.Dense(2),  # logits
    ]
)
"""


@pytest.mark.parametrize(
    ("style", "hidden", "logits"),
    [
        ("functional", 'x = layers.Dense(8, activation="relu")(inputs)  # hidden', "(x)  # logits"),
        ("subclassing", "x = self.dense(inputs)  # hidden", None),
    ],
)
def test_comments_in_a_sequential_list_survive(style: str, hidden: str, logits: str | None) -> None:
    output = convert(SEQUENTIAL_LIST, style).output  # type: ignore[arg-type]
    lines = output.splitlines()
    assert hidden in [line.strip() for line in lines]
    assert lines[lines.index(next(line for line in lines if hidden in line)) - 1].strip() == (
        "# first block"
    )
    if logits:
        assert any(line.endswith(logits) for line in lines)


SUBCLASS_WITH_OPS = """\
import keras
from keras import layers, ops


class Gated(keras.Model):
    def __init__(self):
        super().__init__()
        self.up = layers.Dense(8)
        self.out = layers.Dense(1)

    def call(self, x):
        h = self.up(x)
        # squash before gating
        h = ops.tanh(h)
        h = h * ops.sigmoid(x)  # gate by the input
        return self.out(h)


model = Gated()
model.build((None, 8))
"""


def test_comments_on_operation_lines_survive() -> None:
    lines = [line.strip() for line in convert(SUBCLASS_WITH_OPS, "functional").output.splitlines()]

    assert lines[lines.index("h = ops.tanh(h)") - 1] == "# squash before gating"
    assert "h = h * ops.sigmoid(x)  # gate by the input" in lines


UNROLLED = """\
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
x = inputs
# the hidden stack
for i, units in enumerate((16, 8, 4)):
    x = layers.Dense(units)(x)
    if i < 2:
        x = layers.ReLU()(x)  # not after the last one
model = keras.Model(inputs, x)
"""


def test_comments_inside_a_loop_go_to_its_first_pass_only() -> None:
    # the passes differ (the if), so the loop is written out pass by pass
    lines = [line.strip() for line in convert(UNROLLED, "subclassing").output.splitlines()]
    assert lines.count("x = self.re_lu(x)  # not after the last one") == 1
    assert "x = self.re_lu_1(x)" in lines
    assert lines[lines.index("x = self.dense(inputs)") - 1] == "# the hidden stack"


LOOP_WITH_COMMENTS = """\
import keras
from keras import layers


def block(x, units):
    y = layers.Dense(units, activation="relu")(x)
    return layers.Add()([x, y])


inputs = keras.Input(shape=(8,))
x = layers.Dense(8)(inputs)
# three residual blocks
for _ in range(3):
    # one block
    x = block(x, 8)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
"""


def test_a_comment_above_a_kept_loop_stays_above_it() -> None:
    """The loop's comment goes above its ``for``, the body's own comment inside it."""
    lines = [
        line.strip() for line in convert(LOOP_WITH_COMMENTS, "subclassing").output.splitlines()
    ]
    loop = next(i for i, line in enumerate(lines) if line.startswith("for ") and "self." in line)
    assert lines[loop - 1] == "# three residual blocks"
    assert lines[loop + 1] == "# one block"
    assert lines.count("# three residual blocks") == 1
