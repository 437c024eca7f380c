"""Static layer output shapes: the rules against Keras itself, and the interpreter following a branch
on a shape (``if x.shape[-1] != filters:``) or refusing it with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.frontend.shapes import Config, broadcast, output_shape

# (layer, positional args, keyword args, input shapes without batch)
CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], list[tuple[int | None, ...]]]] = [
    ("Dense", (7,), {}, [(5, 3)]),
    ("Conv2D", (8, 3), {}, [(32, 32, 3)]),
    ("Conv2D", (8, 3), {"strides": 2, "padding": "same"}, [(33, 31, 3)]),
    ("Conv2D", (8, (3, 5), (2, 1)), {}, [(32, 32, 3)]),
    ("Conv2D", (4, 3), {"dilation_rate": 2}, [(16, 16, 1)]),
    ("Conv1D", (6, 5), {"padding": "same"}, [(None, 4)]),
    ("SeparableConv2D", (6, 3), {"strides": 2}, [(15, 15, 2)]),
    ("DepthwiseConv2D", (3,), {"depth_multiplier": 2, "padding": "same"}, [(8, 8, 4)]),
    ("Conv2DTranspose", (5, 3), {"strides": 2}, [(7, 7, 2)]),
    ("Conv2DTranspose", (5, 3), {"strides": 2, "padding": "same"}, [(7, 7, 2)]),
    ("MaxPooling2D", (), {}, [(9, 8, 3)]),
    ("AveragePooling2D", ((3, 3),), {"strides": 2, "padding": "same"}, [(9, 8, 3)]),
    ("MaxPooling1D", (3,), {}, [(10, 2)]),
    ("GlobalAveragePooling2D", (), {}, [(6, 6, 5)]),
    ("GlobalMaxPooling1D", (), {"keepdims": True}, [(6, 5)]),
    ("Flatten", (), {}, [(4, 3, 2)]),
    ("Reshape", ((-1, 4),), {}, [(6, 2)]),
    ("BatchNormalization", (), {}, [(4, 4, 3)]),
    ("Concatenate", (), {}, [(4, 3), (4, 5)]),
    ("Concatenate", (), {"axis": 1}, [(4, 3), (2, 3)]),
    ("Add", (), {}, [(4, 3), (4, 3)]),
    ("Multiply", (), {}, [(4, 1), (4, 3)]),
    ("Embedding", (100, 8), {}, [(None,)]),
    ("LSTM", (6,), {}, [(5, 3)]),
    ("GRU", (6,), {"return_sequences": True}, [(5, 3)]),
    ("UpSampling2D", (), {"size": (2, 3)}, [(4, 4, 1)]),
    ("ZeroPadding2D", (((1, 2), (3, 4)),), {}, [(4, 4, 1)]),
    ("Cropping2D", ((1, 2),), {}, [(8, 8, 1)]),
    ("RepeatVector", (3,), {}, [(5,)]),
    ("Permute", ((2, 1),), {}, [(5, 3)]),
]


def ours(layer: str, args: tuple, kwargs: dict, inputs: list) -> tuple | None:
    config = Config(args, kwargs)
    return output_shape(f"keras.layers.{layer}", config, [(None, *shape) for shape in inputs])


@pytest.mark.slow
@pytest.mark.parametrize(("layer", "args", "kwargs", "inputs"), CASES, ids=lambda c: str(c))
def test_rules_agree_with_keras(layer: str, args: tuple, kwargs: dict, inputs: list) -> None:
    keras = pytest.importorskip("keras")
    tensors = [keras.Input(shape=shape) for shape in inputs]
    built = getattr(keras.layers, layer)(*args, **kwargs)
    output = built(tensors if len(tensors) > 1 else tensors[0])
    assert ours(layer, args, kwargs, inputs) == tuple(output.shape)


def test_unknown_layers_and_arguments_give_no_shape() -> None:
    assert ours("Lambda", (), {}, [(3,)]) is None
    assert ours("Conv2D", (8, 3), {"data_format": "channels_first"}, [(3, 32, 32)]) is None
    assert ours("Conv2D", (8, 3), {"padding": "causal"}, [(32, 32, 3)]) is None


def test_broadcasting() -> None:
    assert broadcast([(None, 4, 1), (None, 1, 3)]) == (None, 4, 3)
    assert broadcast([(None, 3), (3,)]) == (None, 3)


RESIDUAL = """\
import keras
from keras import layers


def block(x, filters, stride=1):
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=stride, padding="same")(x)
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride)(x)  # projection
    return layers.Add()([y, shortcut])


inputs = keras.Input(shape={shape})
x = inputs
for stage, filters in enumerate((8, 8, 16)):
    stride = 2 if stage == 2 else 1
    x = {first}(x, filters, stride)
model = keras.Model(inputs, x)
"""


def test_a_branch_on_a_shape_is_followed_from_the_inferred_shapes() -> None:
    source = RESIDUAL.format(shape="(16, 16, 3)", first="block")
    (graph,) = parse_models(source).models
    convs = [layer for layer in graph.layers if layer.cls == "keras.layers.Conv2D"]
    # 3 blocks; projections where channels change (3 -> 8) or the stride is 2 (8 -> 16)
    assert len(convs) == 3 + 2
    assert sum(layer.args[1] == "1" for layer in convs) == 2


def test_a_shape_that_cannot_be_inferred_is_refused_with_the_layer_to_blame() -> None:
    source = RESIDUAL.format(shape="(16, 16, 3)", first="block").replace(
        "x = inputs\n", "x = layers.Lambda(lambda t: t * 2)(inputs)\n"
    )
    parsed = parse_models(source)
    assert not parsed.models
    message = parsed.problems[0].message
    assert "whose test needs the shape of `x`" in message
    assert "`Lambda` (line 14)" in message


def test_a_loop_of_blocks_that_computes_its_stride_stays_a_loop() -> None:
    """The block class decides its projection from its input's shape, so one loop of block
    calls builds what the three passes built."""
    source = RESIDUAL.format(shape="(16, 16, 3)", first="block")
    output = convert(source, "subclassing").output
    model_class = output.split("class MyModel")[1]
    assert (
        "        for stage, filters in enumerate((8, 8, 16)):\n"
        "            stride = 2 if stage == 2 else 1\n"
        "            self.block_layers.append(Block(filters, stride))\n"
    ) in model_class


def test_a_value_read_from_a_shape_is_written_as_its_value() -> None:
    source = RESIDUAL.format(shape="(16, 16, 3)", first="block").replace(
        "    shortcut = x\n",
        "    x = layers.Dense(x.shape[-1])(x)  # keeps the shape\n    shortcut = x\n",
    )
    output = convert(source, "subclassing").output
    assert "layers.Dense(3)" in output and "layers.Dense(8)" in output
    assert ".shape" not in output.split("class ")[1]


TRANSITIONS = """\
import keras
from keras import layers


def transition(x, reduction):
    return layers.Conv2D(int(x.shape[-1] * reduction), 1)(x)


inputs = keras.Input((8, 8, 64))
x = transition(inputs, 0.5)
x = transition(x, 0.5)
if x.shape[-1] == 16:
    x = layers.Flatten()(x)
model = keras.Model(inputs, x)
"""


def test_a_layer_argument_computed_from_a_shape_gives_the_shapes_after_it() -> None:
    """DenseNet's transition block: the second block's width is read from the first's output."""
    output = convert(TRANSITIONS, "subclassing").output

    assert "layers.Conv2D(32, 1)" in output and "layers.Conv2D(16, 1)" in output
    assert "layers.Flatten()" in output  # the test after both blocks was worked out


def test_a_value_computed_from_a_tensor_between_layers_goes_with_them() -> None:
    """MobileNetV3's ``last_conv_ch = _depth(x.shape[channel_axis] * 6)``: kept, it would read
    a tensor the generated code no longer defines; it is part of the model's construction."""
    source = (
        "import keras\nfrom keras import layers\n\n"
        "def build():\n    inputs = keras.Input((8, 8, 3))\n    x = layers.Conv2D(8, 1)(inputs)\n"
        "    width = x.shape[-1] * 2\n    x = layers.Conv2D(width, 1)(x)\n"
        "    return keras.Model(inputs, x)\n\n\nmodel = build()\n"
    )
    conversion = convert(source, "subclassing")

    assert conversion.converted == ("build",), conversion.refusals
    assert "layers.Conv2D(16, 1)" in conversion.output and "width =" not in conversion.output
