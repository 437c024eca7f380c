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
