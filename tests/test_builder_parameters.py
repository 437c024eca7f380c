"""A model built by a function keeps the function's parameters when it becomes a class: the class
takes those its layers read, so that calling the function with other arguments still works."""

from __future__ import annotations

import pytest

from kcodegen.convert import convert

BUILDER = """\
import keras
from keras import layers


def build(num_classes=5, width=16, depth=2):
    inputs = keras.Input(shape=(8,))
    x = inputs
    for _ in range(depth):
        x = layers.Dense(width, activation="relu")(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


model = build()
"""


def test_parameters_read_only_by_layers_are_passed_to_the_class() -> None:
    output = convert(BUILDER, "subclassing").output

    assert "def __init__(self, num_classes, width, **kwargs):" in output
    assert 'layers.Dense(num_classes, activation="softmax")' in output
    assert output.count('layers.Dense(width, activation="relu")') == 2  # one per pass of the loop
    assert "model = BuildModel(num_classes=num_classes, width=width)" in output


def test_a_parameter_that_shapes_the_structure_is_not_passed() -> None:
    # depth decides how many layers there are: the class is the structure of the call kcg
    # followed, and does not pretend to take it
    output = convert(BUILDER, "subclassing").output

    assert "depth" not in output.split("def build(")[0]
    assert "self.dense_2" in output and "self.dense_3" not in output


@pytest.mark.slow
def test_the_converted_function_builds_what_other_arguments_ask_for() -> None:
    import numpy as np

    namespace: dict = {}
    exec(compile(convert(BUILDER, "subclassing").output, "<converted>", "exec"), namespace)
    model = namespace["build"](num_classes=3, width=4)

    assert model(np.zeros((2, 8), dtype="float32")).shape == (2, 3)
    assert [w.shape for w in model.weights][:2] == [(8, 4), (4,)]
