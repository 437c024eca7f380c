"""A layer that makes tensors when it is built (``Normalization``) must be built by a subclass's
own ``build()``, before its symbolic first call on ``keras.Input``: built inside that trace it
keeps the trace's tensors and the model fails on data (EfficientNet's stem). kcg builds it there
when plain layer calls lead to it from the input, and refuses, with the line, when they do not."""

from __future__ import annotations

import pytest
from preservation import assert_preserved

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.verify import ModelSource, VerifyCase, VerifyReport, VerifySession

STEM = """\
import keras
from keras import layers


inputs = keras.Input((8, 8, 3))
x = layers.Rescaling(1.0 / 255.0)(inputs)
x = layers.Normalization(axis=-1{normalization})(x)
x = layers.Conv2D(4, 3, padding="same")(x)
x = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, layers.Dense(3)(x))
"""


def reasons(source: str, to: str) -> list[str]:
    conversion = convert(source, to)  # type: ignore[arg-type]
    assert conversion.output == source  # nothing changes when refused
    return [f"{r.line}: {r.message}" for refusal in conversion.refusals for r in refusal.reasons]


def test_the_subclass_builds_the_normalization_from_the_shape_that_reaches_it() -> None:
    output = convert(STEM.format(normalization=""), "subclassing").output

    build = output.index("    def build(self, input_shape):\n")
    assert output[build:].startswith(
        "    def build(self, input_shape):\n"
        "        self.normalization.build(self.rescaling.compute_output_shape(input_shape))\n"
        "\n"
        "    def call(self, inputs):\n"
    ), output


def test_a_longer_chain_is_written_one_layer_a_line() -> None:
    source = STEM.replace(
        "x = layers.Normalization", "x = layers.Resizing(6, 6)(x)\nx = layers.Normalization"
    ).format(normalization="")

    output = convert(source, "subclassing").output

    assert (
        "        shape = self.rescaling.compute_output_shape(input_shape)\n"
        "        shape = self.resizing.compute_output_shape(shape)\n"
        "        self.normalization.build(shape)\n"
    ) in output, output


@pytest.mark.parametrize(
    ("change", "line"),
    [
        ("x = x * 2.0\nx = layers.Normalization", 8),  # an operation on the way
        ("x = layers.Add()([x, x])\nx = layers.Normalization", 8),  # a merge
    ],
)
def test_anything_but_plain_layer_calls_before_it_is_refused_with_its_line(
    change: str, line: int
) -> None:
    source = STEM.replace("x = layers.Normalization", change).format(normalization="")

    found = reasons(source, "subclassing")

    assert found and found[0].startswith(f"{line}: `Normalization` makes its mean and variance")
    assert "model's one input, in the model's own code" in found[0]
    assert not convert(source, "functional").refusals  # only the subclass has the problem


HELPER = """\
import keras
from keras import layers


def stem(x):
    return layers.Normalization(mean=0.5, variance=0.25)(x)


inputs = keras.Input((4,))
model = keras.Model(inputs, layers.Dense(2)({calls}))
"""


def test_a_normalization_in_a_helper_called_twice_is_refused_as_its_block_class_would_build_it_late() -> (
    None
):
    found = reasons(HELPER.format(calls="stem(stem(inputs))"), "subclassing")

    assert found and found[0].startswith("6: `Normalization` makes its mean and variance")


def test_a_normalization_in_a_helper_called_once_is_built_first_as_the_model_writes_it() -> None:
    """A helper called once becomes no block class: its layers are the model's own."""
    output = convert(HELPER.format(calls="stem(inputs)"), "subclassing").output

    assert "        self.normalization.build(input_shape)\n" in output, output


@pytest.mark.parametrize("normalization", ["", ", mean=[0.1, 0.2, 0.3], variance=[1.0, 2.0, 4.0]"])
def test_the_converted_subclass_runs_on_data_and_converts_back(
    normalization: str, verify_session: VerifySession
) -> None:
    """Verification calls both models on data, where a Normalization built in the trace fails."""
    source = STEM.format(normalization=normalization)
    subclass = convert(source, "subclassing")
    assert not subclass.refusals, subclass.refusals
    assert_preserved(subclass)
    back = convert(subclass.output, "functional")
    assert not back.refusals, back.refusals
    assert "def build" not in back.output and "layers.Normalization(" in back.output
    cases = []
    for before, after in ((source, subclass.output), (subclass.output, back.output)):
        (ours,) = parse_models(before).models
        (theirs,) = parse_models(after).models
        cases.append(
            VerifyCase(ModelSource(before, ours, "a.py"), ModelSource(after, theirs, "b.py"))
        )

    for report in verify_session.verify(cases):
        assert isinstance(report, VerifyReport), report.summary()
        assert report.equivalent, report.details()
