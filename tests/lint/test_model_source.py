"""The part of a file the IR rules interpret: what is blanked, what is kept, and that the models and
their lines are those of the whole file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kcodegen.frontend import parse_models
from kcodegen.ir import format_graph
from kcodegen.lint.model_source import model_source
from kcodegen.lint.rule import LintContext

SAMPLES = sorted(Path(__file__).parents[2].glob("samples/*/model.py"))


def pruned(source: str) -> str:
    context = LintContext("t.py", source)
    return model_source(context.tree, context.lines)


TEST_MODULE = '''\
import keras
from keras import layers


def unrelated(x):
    """Nothing to do with models."""
    return x + 1


def dense_block(x, units):  # a helper the builder calls
    return layers.Dense(units, activation="relu")(x)


class Scale(layers.Layer):
    def call(self, x):
        return x * 2.0


class Base(keras.Model):
    pass


class Net(Base):
    def __init__(self):
        super().__init__()
        self.head = layers.Dense(2)

    def call(self, x):
        return self.head(x)


class SomethingTest:
    def helper(self):
        return 3

    @staticmethod
    def other():
        return [
            4,
        ]

    def test_model(self):
        inputs = keras.Input(shape=(4,))
        x = dense_block(inputs, self.helper())
        model = keras.Model(inputs, Scale()(x))
        return model


def build():
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, Scale()(dense_block(inputs, 8)), name="built")


def main():
    print(unrelated(1))
'''


def test_blanks_what_cannot_build_a_model_and_keeps_every_line() -> None:
    kept = pruned(TEST_MODULE)
    ast.parse(kept)
    assert len(kept.splitlines()) == len(TEST_MODULE.splitlines())
    assert "def unrelated" not in kept and "def main" not in kept and "def other" not in kept
    assert "@staticmethod" not in kept
    for needed in ("def dense_block", "class Scale", "class Base", "class Net", "def call"):
        assert needed in kept
    # a test case's methods never run unless kept code calls them: the class goes whole
    assert "class SomethingTest" not in kept and "def test_model" not in kept
    original, now = TEST_MODULE.splitlines(), kept.splitlines()
    for number, line in enumerate(now):
        assert not line.strip() or line.strip() == "pass" or line == original[number]


def test_a_class_with_nothing_kept_is_blanked_whole() -> None:
    source = "import keras\n\n\nclass Tools:\n    def a(self):\n        return 1\n\n\nx = 1\n"
    kept = pruned(source)
    assert kept == "import keras\n\n\npass\n\n\n\n\nx = 1\n"


def test_tabs_and_crlf_line_ends_are_kept() -> None:
    source = (
        "import keras\r\n"
        "class T:\r\n"
        "\tdef a(self):\r\n"
        "\t\treturn 1\r\n"
        "\tdef b(self):\r\n"
        "\t\treturn keras.Sequential()\r\n"
        "model = make().b()\r\n"
    )
    kept = pruned(source)
    assert kept == (
        "import keras\r\nclass T:\r\n\tpass\r\n\r\n"
        "\tdef b(self):\r\n\t\treturn keras.Sequential()\r\nmodel = make().b()\r\n"
    )


def test_a_model_name_imported_under_another_name_still_counts() -> None:
    source = "from keras import Model as M\n\n\ndef build(a, b):\n    return M(a, b)\n"
    assert pruned(source) == source


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.parent.name)
def test_the_models_are_those_of_the_whole_file(sample: Path) -> None:
    source = sample.read_text(encoding="utf-8")
    whole, part = parse_models(source), parse_models(pruned(source))
    assert [format_graph(g) for g in part.models] == [format_graph(g) for g in whole.models]
    assert [g.span for g in part.models] == [g.span for g in whole.models]


def test_the_test_module_models_keep_their_lines() -> None:
    whole, part = parse_models(TEST_MODULE), parse_models(pruned(TEST_MODULE))
    assert [g.name for g in part.models] == [g.name for g in whole.models]
    assert [format_graph(g) for g in part.models] == [format_graph(g) for g in whole.models]
    assert {"Net", "built"} <= {g.keras_name or g.name for g in part.models}
