"""The file's own layers whose ``call`` is arithmetic on its inputs keep the inputs' broadcast
shape (InceptionResNetV2's ``CustomScaleLayer``), so a later ``x.shape[-1]`` is known; any other
``call`` leaves the shape unknown, and a conversion that needs it is refused with the reason."""

from __future__ import annotations

import textwrap

import pytest
from preservation import assert_preserved

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.frontend.custom_shapes import arithmetic_rule
from kcodegen.frontend.shapes import Config, NotStatic
from kcodegen.verify import ModelSource, VerifyCase, VerifyReport, VerifySession

SCALE = """\
class Scale(Layer):
    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale
"""

VALID = {
    "two inputs and a number set from a parameter": SCALE,
    "one input and numbers": (
        "class Shift(Layer):\n"
        "    def call(self, x):\n"
        '        """Doubles and shifts."""\n'
        "        return -x * 2.0 + 1\n"
    ),
    "a number set in __init__": (
        "class Half(Layer):\n"
        "    def __init__(self, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        "        self.factor = 0.5\n\n"
        "    def call(self, inputs):\n"
        "        return inputs * self.factor\n"
    ),
}

INVALID = {
    "a function call": "class A(Layer):\n    def call(self, x):\n        return ops.relu(x)\n",
    "a sublayer": "class A(Layer):\n    def call(self, x):\n        return self.dense(x) + x\n",
    "two statements": "class A(Layer):\n    def call(self, x):\n        y = x\n        return y\n",
    "a training argument": "class A(Layer):\n    def call(self, x, training=None):\n        return x\n",
    "a slice": "class A(Layer):\n    def call(self, x):\n        return x[:, 0]\n",
    "no call": "class A(Layer):\n    pass\n",
    "an attribute from an expression": SCALE.replace("self.scale = scale", "self.scale = f(scale)"),
    "a weight made in build": SCALE
    + "\n    def build(self, shape):\n        self.scale = self.add_weight(shape=shape[1:])\n",
    "no tensor": "class A(Layer):\n    def call(self, x):\n        return 2.0\n",
}


@pytest.mark.parametrize("code", VALID.values(), ids=VALID.keys())
def test_arithmetic_calls_have_a_rule(code: str) -> None:
    assert arithmetic_rule(code) is not None


@pytest.mark.parametrize("code", INVALID.values(), ids=INVALID.keys())
def test_anything_else_has_none(code: str) -> None:
    assert arithmetic_rule(code) is None


def test_the_rule_broadcasts_the_inputs_it_reads_and_needs_a_number() -> None:
    rule = arithmetic_rule(SCALE)
    assert rule is not None

    assert rule(Config([0.17], {}), [(None, 8, 8, 32), (None, 8, 8, 32)]) == (None, 8, 8, 32)
    assert rule(Config([], {"scale": 1}), [(None, 8, 8, 32), (None, 1, 1, 32)]) == (None, 8, 8, 32)
    with pytest.raises(NotStatic):
        rule(Config(["large"], {}), [(None, 8, 8, 32), (None, 8, 8, 32)])


BLOCK = """\
import keras
from keras import layers
from keras.layers import Layer


{scale}

def block(x, scale):
    up = layers.Conv2D(x.shape[-1], 1, padding="same")(x)
    x = Scale(scale)([x, up])
    return layers.Conv2D(x.shape[-1] * 2, 1, name="widen")(x)


inputs = keras.Input((6, 6, 3))
x = layers.Conv2D(8, 3, padding="same")(inputs)
x = block(x, 0.2)
x = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, layers.Dense(2)(x))
"""


def test_a_shape_read_after_the_layer_is_known_and_written_as_its_value() -> None:
    conversion = convert(BLOCK.format(scale=SCALE), "subclassing")

    assert conversion.converted == ("model",), conversion.refusals
    assert_preserved(conversion)
    assert 'layers.Conv2D(16, 1, name="widen")' in conversion.output


def test_a_layer_without_a_rule_is_named_in_the_refusal() -> None:
    source = BLOCK.format(scale=SCALE.replace("inputs[0] + inputs[1]", "keras.ops.add(*inputs)"))

    conversion = convert(source, "subclassing")

    assert conversion.output == source
    reasons = [r.message for refusal in conversion.refusals for r in refusal.reasons]
    assert reasons and "kcg does not know the output shape of `Scale` (line 17)" in reasons[0]


def test_the_converted_model_computes_the_same(verify_session: VerifySession) -> None:
    source = BLOCK.format(scale=textwrap.dedent(SCALE))
    conversion = convert(source, "subclassing")
    (ours,) = parse_models(source).models
    (theirs,) = parse_models(conversion.output).models
    case = VerifyCase(
        ModelSource(source, ours, "a.py"), ModelSource(conversion.output, theirs, "b.py")
    )

    (report,) = verify_session.verify([case])

    assert isinstance(report, VerifyReport), report.summary()
    assert report.equivalent, report.details()
