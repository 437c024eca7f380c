"""Converting to the style a model is already written in never fails, even where kcg cannot follow
the code: the file stays as it is, exit 0, with notes naming what was not understood."""

from __future__ import annotations

import pytest

from kcodegen.convert import convert

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
