"""The model slice: what it keeps, what it drops, and that kept code stays on its original line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import traceback

import pytest

from kcodegen.verify import NeedsData, SliceError, model_slice


def slice_of(source: str, target: str = "model", **binds: str) -> str:
    return model_slice(textwrap.dedent(source), target, binds, path="model.py")


def kept(result: str) -> dict[int, str]:
    """Line number -> text of every non-blank line of a slice."""
    return {n: line for n, line in enumerate(result.splitlines(), 1) if line.strip()}


def assert_same_lines(source: str, result: str) -> None:
    """Every kept line is (the start of) the original line at the same number."""
    original = textwrap.dedent(source).splitlines()
    for number, line in list(kept(result).items())[:-1]:
        assert original[number - 1].startswith(line)


FUNCTIONAL = """\
    import matplotlib.pyplot as plt
    from tensorflow import keras

    UNITS = 16
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    plt.imshow(x_train[0])

    inputs = keras.Input(shape=(784,))
    x = keras.layers.Dense(UNITS, activation="relu")(inputs)
    outputs = keras.layers.Dense(10)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x_train, y_train)
    model.summary()
    print(model.evaluate(x_train, y_train))
"""


def test_functional_keeps_construction_and_drops_data_training_and_plotting() -> None:
    result = slice_of(FUNCTIONAL)
    assert kept(result) == {
        2: "from tensorflow import keras",
        4: "UNITS = 16",
        8: "inputs = keras.Input(shape=(784,))",
        9: 'x = keras.layers.Dense(UNITS, activation="relu")(inputs)',
        10: "outputs = keras.layers.Dense(10)(x)",
        11: "model = keras.Model(inputs, outputs)",
        16: "__kcg_model__ = (model)",
    }


def test_sequential_keeps_add_calls_and_loops_that_add() -> None:
    source = """\
        import keras

        model = keras.Sequential(name="mlp")
        model.add(keras.Input(shape=(8,)))
        for units in (32, 16):
            model.add(keras.layers.Dense(units))
        model.add(keras.layers.Dense(1)); model.compile("sgd")
        model.save("mlp.keras")
    """
    result = slice_of(source)
    assert list(kept(result)) == [1, 3, 4, 5, 6, 7, 9]
    assert kept(result)[7] == "model.add(keras.layers.Dense(1))"
    assert_same_lines(source, result)


def test_subclass_keeps_its_class_and_build_call() -> None:
    source = """\
        import keras
        from keras import layers


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = layers.Dense(HIDDEN)

            def call(self, inputs):
                return self.hidden(inputs)


        HIDDEN = 4
        model = Net()
        model.build((None, 3))
        model.trainable = False
        model.summary()
    """
    result = slice_of(source)
    assert list(kept(result)) == [1, 2, 5, 6, 7, 8, 10, 11, 14, 15, 16, 17, 19]
    assert_same_lines(source, result)


def test_model_built_by_a_function_with_helpers() -> None:
    source = """\
        import keras
        import os


        def block(x, units):
            return keras.layers.Dense(units, activation=ACTIVATION)(x)


        def build_model(num_classes=3):
            inputs = keras.Input((5,))
            return keras.Model(inputs, block(inputs, num_classes))


        ACTIVATION = "relu"
        print(os.getcwd())
    """
    result = slice_of(source, "build_model()")
    assert list(kept(result)) == [1, *range(5, 7), *range(9, 12), 14, 16]
    assert kept(result)[16] == "__kcg_model__ = (build_model())"


def test_frozen_base_model_keeps_configuration() -> None:
    source = """\
        import tensorflow as tf

        base = tf.keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
        base.trainable = False
        base.layers[0].trainable = False
        x = tf.keras.layers.Flatten()(base.output)
        model = tf.keras.Model(base.input, tf.keras.layers.Dense(1)(x))
        model(tf.zeros((1, 32, 32, 3)))
    """
    assert list(kept(slice_of(source))) == [1, 3, 4, 5, 6, 7, 8, 9]


DATA = """\
    import numpy as np
    from keras.datasets import mnist
    from keras.layers import Dense, Input
    from keras.models import Model

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    num_labels = np.amax(y_train) + 1
    image_size = x_train.shape[1]
    x_train = x_train.reshape(-1, image_size * image_size) / 255
    input_size = image_size * image_size

    inputs = Input(shape=(input_size,))
    outputs = Dense(num_labels, activation="softmax")(inputs)
    model = Model(inputs, outputs)
    model(x_train[:1])
"""


def test_data_dependent_constant_is_named_with_its_line() -> None:
    with pytest.raises(NeedsData) as caught:
        slice_of(DATA)
    error = caught.value
    assert (error.name, error.line, error.path) == ("num_labels", 7, "model.py")
    assert str(error).startswith(
        "model.py:7: the model needs 'num_labels', which is computed from data; "
        "pass --bind num_labels=VALUE"
    )
    assert error.also == (("image_size", 8),)


def test_binds_replace_data_dependent_statements_in_place() -> None:
    result = slice_of(DATA, num_labels="10", image_size="28")
    assert kept(result) == {
        3: "from keras.layers import Dense, Input",
        4: "from keras.models import Model",
        7: "num_labels = 10",
        8: "image_size = 28",
        10: "input_size = image_size * image_size",
        12: "inputs = Input(shape=(input_size,))",
        13: 'outputs = Dense(num_labels, activation="softmax")(inputs)',
        14: "model = Model(inputs, outputs)",
        16: "__kcg_model__ = (model)",
    }


def test_bind_for_a_name_nothing_defines() -> None:
    source = """\
        import keras
        model = keras.Sequential([keras.layers.Dense(n_out)])
    """
    with pytest.raises(SliceError, match=r"^model.py:2: 'n_out' is used here"):
        slice_of(source)
    assert kept(slice_of(source, n_out="3"))[2].startswith("n_out = 3; model = ")


def test_model_only_under_main_guard_is_an_error_pointing_at_it() -> None:
    source = """\
        import keras

        if __name__ == "__main__":
            model = keras.Sequential()
    """
    with pytest.raises(SliceError, match=r'^model.py:3: .*__name__ == "__main__"'):
        slice_of(source)
    with pytest.raises(SliceError, match=r"^model.py: nothing at module level defines 'net'"):
        slice_of(source, "net")


def test_syntax_error_has_its_line() -> None:
    with pytest.raises(SliceError, match=r"^model.py:2: syntax error"):
        slice_of("import keras\nmodel = keras.Sequential(\n")


def test_error_raised_while_running_the_slice_points_at_the_user_line() -> None:
    source = """\
        import math
        print("training data")


        def build(width):
            scale = math.sqrt(width)
            return 1 / (scale - 2)


        model = build(4)
    """
    result = slice_of(source)
    with pytest.raises(ZeroDivisionError) as caught:
        exec(compile(result, "model.py", "exec"), {})
    frames = [
        f for f in traceback.extract_tb(caught.value.__traceback__) if f.filename == "model.py"
    ]
    assert [f.lineno for f in frames] == [10, 7]


def test_slicing_imports_no_tensorflow_keras_or_numpy() -> None:
    code = (
        "import sys; from kcodegen.verify import model_slice; model_slice('x = 1', 'x'); "
        "print([m for m in ('tensorflow', 'keras', 'numpy') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
