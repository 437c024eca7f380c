"""A ``for`` loop whose passes build alike stays a loop in Functional and Subclassing output
(``codegen/loops``); any other loop is written out pass by pass, as before."""

from __future__ import annotations

import textwrap

import pytest

from kcodegen.convert import convert

HEADER = """\
import keras
from keras import layers

UNITS = (64, 32)

"""

SEQUENTIAL = """\
model = keras.Sequential([keras.Input(shape=(8,))])
for units in UNITS:
    model.add(layers.Dense(units, activation="relu"))
    model.add(layers.Dropout(0.25))
model.add(layers.Dense(1))
"""

FUNCTIONAL = """\
inputs = keras.Input(shape=(8,))
x = inputs
for units in UNITS:
    x = layers.Dense(units, activation="relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
"""


def converted(body: str, to: str) -> list[str]:
    output = convert(HEADER + textwrap.dedent(body), to).output  # type: ignore[arg-type]
    return [line.rstrip() for line in output.splitlines()]


def test_functional_output_keeps_a_loop_of_model_add() -> None:
    lines = converted(SEQUENTIAL, "functional")
    start = lines.index("for units in UNITS:")
    assert lines[start + 1 : start + 3] == [
        '    x = layers.Dense(units, activation="relu")(x)',
        "    x = layers.Dropout(0.25)(x)",
    ]
    assert lines[start + 3] == "outputs = layers.Dense(1)(x)"


def test_subclassing_output_keeps_the_layers_of_a_loop_in_a_list_made_by_the_loop() -> None:
    lines = converted(SEQUENTIAL, "subclassing")
    assert "        self.dense_blocks = [" in lines
    assert '            (layers.Dense(units, activation="relu"), layers.Dropout(0.25))' in lines
    assert "            for units in UNITS" in lines
    start = lines.index("        for dense, dropout in self.dense_blocks:")
    assert lines[start + 1 : start + 3] == [
        "            x = dense(x)",
        "            x = dropout(x, training=training)",
    ]


def test_one_layer_a_pass_is_a_list_of_layers_and_the_input_is_carried_as_written() -> None:
    lines = converted(FUNCTIONAL, "subclassing")
    assert (
        '        self.dense_layers = [layers.Dense(units, activation="relu") for units in UNITS]'
        in lines
    )
    start = lines.index("        x = inputs")  # the author's own start of the chain
    assert lines[start + 1 : start + 3] == [
        "        for dense in self.dense_layers:",
        "            x = dense(x)",
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            """\
            inputs = keras.Input(shape=(8,))
            x = inputs
            for i, units in enumerate(UNITS):
                x = layers.Dense(units)(x)
                if i == 0:
                    x = layers.ReLU()(x)
            model = keras.Model(inputs, x)
            """,
            id="passes-differ",
        ),
        pytest.param(
            """\
            inputs = keras.Input(shape=(8,))
            x = inputs
            for units in (16, 8, 4):
                x = layers.Dense(units)(x)
                if units == 8:
                    break
            model = keras.Model(inputs, x)
            """,
            id="break",
        ),
        pytest.param(
            """\
            inputs = keras.Input(shape=(8,))
            x = inputs
            taps = []
            for units in UNITS:
                x = layers.Dense(units)(x)
                taps.append(x)
            model = keras.Model(inputs, [x, *taps])
            """,
            id="a-pass-read-after-the-loop",
        ),
        pytest.param(
            """\
            inputs = keras.Input(shape=(8,))
            x = inputs
            for units in UNITS:
                width = units * 2
                width += 1
                x = layers.Dense(width)(x)
            model = keras.Model(inputs, x)
            """,
            id="a-name-the-body-binds-twice",
        ),
        pytest.param(
            """\
            inputs = keras.Input(shape=(8,))
            x = inputs
            width = 4
            for units in UNITS:
                x = layers.Dense(width)(x)
                width = units * 2
            model = keras.Model(inputs, x)
            """,
            id="a-name-read-before-the-body-binds-it",
        ),
        pytest.param(
            """\
            shared = layers.Dense(8)
            inputs = keras.Input(shape=(8,))
            x = inputs
            for _ in range(2):
                x = shared(x)
            model = keras.Model(inputs, x)
            """,
            id="a-layer-made-before-the-loop",
        ),
        pytest.param(
            """\
            def build(depth=2):
                inputs = keras.Input(shape=(8,))
                x = inputs
                for _ in range(depth):
                    x = layers.Dense(8)(x)
                return keras.Model(inputs, x)


            model = build()
            """,
            id="an-iterable-of-the-function",
        ),
        pytest.param(
            """\
            inputs = keras.Input(shape=(8,))
            x = inputs
            for stage in (16, 8):
                for k in (1, 2):
                    x = layers.Dense(stage * k)(x)
                x = layers.ReLU()(x)
            model = keras.Model(inputs, x)
            """,
            id="nested-loops",
        ),
    ],
)
def test_other_loops_are_written_pass_by_pass(body: str) -> None:
    for line in converted(body, "subclassing"):
        if line.strip().startswith('"'):
            continue  # the message of the check that ``build`` is called with depth=2
        assert not line.strip().startswith("for "), line
        assert " for " not in line, line


def test_a_loop_in_a_builder_function_over_constants_is_kept() -> None:
    lines = converted(
        """\
        def build():
            inputs = keras.Input(shape=(8,))
            x = inputs
            for units in (16, 8):
                x = layers.Dense(units)(x)
            return keras.Model(inputs, x)


        model = build()
        """,
        "subclassing",
    )
    assert "        self.dense_layers = [layers.Dense(units) for units in (16, 8)]" in lines


PREFIXED = """\
inputs = keras.Input(shape=(8,))
x = inputs
for i, units in enumerate(UNITS):
    prefix = f"block{i}"
    width = units * 2
    x = layers.Dense(width, name=f"{prefix}_dense")(x)
model = keras.Model(inputs, x)
"""


def test_names_each_pass_computes_alike_stay_in_a_functional_loop() -> None:
    sequential = """\
model = keras.Sequential([keras.Input(shape=(8,))])
for i, units in enumerate(UNITS):
    prefix = f"block{i}"
    model.add(layers.Dense(units, name=f"{prefix}_dense"))
model.add(layers.Dense(1))
"""
    lines = converted(sequential, "functional")
    start = lines.index("for i, units in enumerate(UNITS):")
    assert lines[start + 1 : start + 3] == [
        '    prefix = f"block{i}"',
        '    x = layers.Dense(units, name=f"{prefix}_dense")(x)',
    ]


def test_sequential_output_writes_such_a_loop_pass_by_pass() -> None:
    """A comprehension in the Sequential's list cannot assign the names."""
    lines = converted(PREFIXED, "sequential")
    assert not any(line.strip().startswith("for ") or " for " in line for line in lines)
    assert '        layers.Dense(128, name="block0_dense"),' in lines


def test_a_subclass_assigns_them_in_the_loop_that_makes_its_layers() -> None:
    lines = converted(PREFIXED, "subclassing")
    start = lines.index("        self.dense_layers = []")
    assert lines[start + 1 : start + 5] == [
        "        for i, units in enumerate(UNITS):",
        '            prefix = f"block{i}"',
        "            width = units * 2",
        '            self.dense_layers.append(layers.Dense(width, name=f"{prefix}_dense"))',
    ]


def test_sequential_output_unpacks_a_loop_that_makes_one_layer_a_pass() -> None:
    lines = converted(FUNCTIONAL, "sequential")
    assert '        *[layers.Dense(units, activation="relu") for units in UNITS],' in lines


BUILDER = """\
def build(depth=2, base=4):
    width = base * 2
    model = keras.Sequential([keras.Input(shape=(8,))])
    for _ in range(depth):
        model.add(layers.Dense(width, activation="relu"))
    model.add(layers.Dense(1))
    return model


model = build()
"""


def test_a_loop_over_the_builders_names_stays_a_loop_where_the_model_was_built() -> None:
    lines = converted(BUILDER, "functional")
    start = lines.index("    for _ in range(depth):")  # the builder's names, read in place
    assert lines[start + 1] == '        x = layers.Dense(width, activation="relu")(x)'
    # a class outside the builder cannot read depth or width: written out, with the values
    assert not any(line.strip().startswith("for ") for line in converted(BUILDER, "subclassing"))


LIST_OF_LAYERS = """\
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [layers.Dense(8, name=f"block_{i}") for i in range(3)]
        self.norm = layers.LayerNormalization()
        self.head = layers.Dense(1)

    def call(self, x):
        for block in self.blocks:
            x = self.norm(block(x))
        return self.head(x)


model = Net()
model.build((None, 8))
"""


def test_a_loop_over_a_subclass_list_of_layers_stays_a_loop_in_functional_output() -> None:
    lines = converted(LIST_OF_LAYERS, "functional")
    start = lines.index("blocks = [")
    assert lines[start + 1 : start + 4] == [
        '    layers.Dense(8, name="block_0"),',
        '    layers.Dense(8, name="block_1"),',
        '    layers.Dense(8, name="block_2"),',
    ]
    assert lines.index("norm = layers.LayerNormalization()") < lines.index("for block in blocks:")
    start = lines.index("for block in blocks:")
    assert lines[start + 1 : start + 3] == ["    x = block(x)", "    x = norm(x)"]
