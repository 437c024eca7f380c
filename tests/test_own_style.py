"""Converting to the style a model is already written in never fails, even where kcg cannot follow
the code: the file stays as it is, exit 0, with notes naming what was not understood."""

from __future__ import annotations

import pytest

from kcodegen.convert import convert
from kcodegen.frontend.written_style import written_styles

RUNTIME_DEPTH = """\
import sys

import keras
from keras import layers

depth = int(sys.argv[1])
inputs = keras.Input((4,))
x = inputs
for _ in range(depth):
    x = layers.Dense(4)(x)
model = keras.Model(inputs, x)
"""
RUNTIME_LAYERS = """\
import sys

import keras
from keras import layers

model = keras.Sequential([layers.Dense(int(units)) for units in sys.argv[1:]])
"""


@pytest.mark.parametrize(
    ("source", "style", "other"),
    [(RUNTIME_DEPTH, "functional", "subclassing"), (RUNTIME_LAYERS, "sequential", "functional")],
)
def test_a_model_not_understood_is_left_alone_in_its_own_style(source, style, other):
    same = convert(source, style)
    elsewhere = convert(source, other)

    assert same.output == source and not same.refusals and not same.changed
    assert same.problems  # what was not followed is still said
    assert elsewhere.refusals  # another style cannot be written without understanding it


def test_the_cli_exits_0_leaves_the_file_and_check_passes(run_kcg, tmp_path):
    model = tmp_path / "model.py"
    model.write_text(RUNTIME_DEPTH)

    printed = run_kcg("convert", model, "--to", "functional", "--no-verify")
    checked = run_kcg("convert", model, "--to", "functional", "--check")
    diffed = run_kcg("convert", model, "--to", "functional", "--diff")
    refused = run_kcg("convert", model, "--to", "subclassing", "--no-verify")

    assert printed.returncode == 0 and printed.stdout.decode() == RUNTIME_DEPTH
    stderr = printed.stderr.decode()
    assert f"{model}: left as written: its models are functional already" in stderr
    assert f"{model}:9: note: not converted: `x` is bound in the loop at line 9" in stderr
    assert checked.returncode == 0 and diffed.returncode == 0 and diffed.stdout == b""
    assert refused.returncode == 1 and refused.stdout == b""
    assert model.read_text() == RUNTIME_DEPTH


# A run-time test in a helper that the builder calls before it makes any layer: kcg cannot tell
# from following the code which model comes out, but the spelling says Functional, and the
# Sequential stem is a part of it (called on a tensor), as in keras.applications' ConvNeXt.
RUNTIME_HELPER = """\
import sys

import keras
from keras import layers


def stem_width(width):
    if width > int(sys.argv[1]):
        return width
    return 2 * width


def build(width):
    width = stem_width(width)
    inputs = keras.Input((4,))
    stem = keras.Sequential([layers.Dense(width)], name="stem")
    x = stem(inputs)
    return keras.Model(inputs, layers.Dense(2)(x))


model = build(8)
"""


def test_a_builder_not_followed_is_left_alone_when_its_spelling_is_the_target_style():
    same = convert(RUNTIME_HELPER, "functional")
    as_sequential = convert(RUNTIME_HELPER, "sequential")

    assert same.output == RUNTIME_HELPER and not same.refusals and same.problems
    assert as_sequential.refusals  # the stem alone being Sequential does not make the model so


@pytest.mark.parametrize(
    ("source", "styles"),
    [
        ("import keras\nm = keras.Model(i, o)\n", {"functional"}),
        (
            "from tensorflow import keras\nm = keras.models.Model(inputs=i, outputs=o)\n",
            {"functional"},
        ),
        ("from keras import Model as Functional\nm = Functional(i, o)\n", {"functional"}),
        ("import keras\nm = keras.Sequential([keras.layers.Dense(1)])\n", {"sequential"}),
        ("import keras\nclass M(keras.Model):\n    pass\n", {"subclassing"}),
        # a Sequential that a Functional model of the same function uses as a layer is a part
        (
            "import keras\ndef f(i):\n    s = keras.Sequential([])\n    return keras.Model(i, s(i))\n",
            {"functional"},
        ),
        (
            "import keras\ndef f(i):\n    b = []\n    b.append(keras.Sequential([]))\n"
            "    return keras.Model(i, b[0](i))\n",
            {"functional"},
        ),
        # ... but not one built at module level beside it, nor one of another function
        (
            "import keras\ns = keras.Sequential([])\ndef f(i):\n    return keras.Model(i, s(i))\n",
            {"functional", "sequential"},
        ),
        ("import keras\nm = keras.Model()\n", set()),  # no graph: not Functional
        ("import other\nm = other.Model(i, o)\nclass C(other.Model): pass\n", set()),
        ("m = Model(i, o)\n", set()),  # not imported: not known to be Keras'
    ],
)
def test_the_written_style_is_read_from_the_spelling(source, styles):
    assert written_styles(source) == styles


# ConvNeXt's stem: a Sequential without an input shape, used as a layer of a Functional model.
# Converting that Sequential to Functional needs its input shape; the model it is part of needs
# no change, so nothing is refused.
STEM_WITHOUT_SHAPE = """\
import keras
from keras import layers

stem = keras.Sequential([layers.Dense(8), layers.LayerNormalization()], name="stem")
inputs = keras.Input((4,))
outputs = layers.Dense(2)(stem(inputs))
model = keras.Model(inputs, outputs)
"""


def test_a_nested_model_that_cannot_convert_stays_when_its_owner_needs_no_change():
    conversion = convert(STEM_WITHOUT_SHAPE, "functional")

    assert not conversion.refusals and conversion.output == STEM_WITHOUT_SHAPE
    assert any(p.message.startswith("`stem` stays as written: ") for p in conversion.problems)
