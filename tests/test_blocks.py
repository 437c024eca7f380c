"""A helper called several times becomes one Layer class in Subclassing output (``codegen/outline``),
only where one class can stand for every call; elsewhere its layers are written out, as before."""

from __future__ import annotations

import textwrap

import pytest
from subclass_verified import assert_subclass_computes_the_same

from kcodegen.convert import convert

HEADER = """\
import keras
from keras import layers

"""

CONV_BN = """\
def conv_bn(x, filters, kernel_size=3, strides=1):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same")(x)
    return layers.BatchNormalization()(x)
"""


def subclass(body: str) -> str:
    return convert(HEADER + textwrap.dedent(body), "subclassing").output


def test_a_helper_called_twice_becomes_a_class_with_its_signature() -> None:
    output = subclass(
        CONV_BN
        + """
inputs = keras.Input(shape=(16, 16, 3))
x = conv_bn(inputs, 8)
features = conv_bn(x, 16, strides=2)
outputs = layers.GlobalAveragePooling2D()(features)
model = keras.Model(inputs, outputs)
"""
    )
    assert "class ConvBn(layers.Layer):" in output
    assert "def __init__(self, filters, kernel_size=3, strides=1, **kwargs):" in output
    # the helper's own text, which reads the class's parameters
    assert 'layers.Conv2D(filters, kernel_size, strides=strides, padding="same")' in output
    assert "def call(self, x, training=None):" in output
    # each call becomes one layer, its arguments as the call wrote them
    assert "self.conv_bn = ConvBn(8)" in output
    assert "self.conv_bn_1 = ConvBn(16, strides=2)" in output
    # the result keeps the name its caller gave it
    assert "features = self.conv_bn_1(x, training=training)" in output
    assert output.count("layers.Conv2D(") == 1  # the class's: no pasted copies
    assert "def conv_bn(" not in output  # nothing calls the helper any more


def test_helpers_in_helpers_become_blocks_in_blocks() -> None:
    output = subclass(
        CONV_BN
        + """

def stage(x, filters):
    x = conv_bn(x, filters, strides=2)
    return conv_bn(x, filters)


inputs = keras.Input(shape=(16, 16, 3))
x = stage(inputs, 8)
x = stage(x, 16)
model = keras.Model(inputs, x)
"""
    )
    assert "class Stage(layers.Layer):" in output
    assert "self.conv_bn = ConvBn(filters, strides=2)" in output  # the caller's text, in Stage
    assert "self.stage_1 = Stage(16)" in output


def test_a_helper_with_two_tensor_parameters_takes_both_in_call() -> None:
    output = subclass(
        """
def merge(x, skip, units):
    return layers.Dense(units)(layers.Concatenate()([x, skip]))


a = keras.Input(shape=(4,))
b = keras.Input(shape=(4,))
h = merge(a, b, 8)
h = merge(h, b, 4)
model = keras.Model([a, b], h)
"""
    )
    assert "def call(self, x, skip):" in output
    assert "self.merge(a, b)" in output


def test_a_name_parameter_names_the_block() -> None:
    output = subclass(
        """
def double(x, filters, name):
    x = layers.Dense(filters, name=f"{name}_1")(x)
    return layers.Dense(filters, name=f"{name}_2")(x)


inputs = keras.Input(shape=(4,))
x = double(inputs, 8, name="down")
x = double(x, 4, name="up")
model = keras.Model(inputs, x)
"""
    )
    assert "super().__init__(name=name, **kwargs)" in output
    assert 'self.down = Double(8, name="down")' in output  # the name, not down_1, names it
    assert 'name=f"{name}_1"' in output


# As keras.applications writes its blocks: the axis picked from the configuration, names built
# from the block's name.
PICKED = """
def conv_block(x, growth_rate, name):
    bn_axis = 3 if keras.config.image_data_format() == "channels_last" else 1
    if growth_rate > 0:
        width = 4 * growth_rate
    else:
        width = 4
    x1 = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_0_bn")(x)
    x1 = layers.Conv2D(width, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", name=name + "_2_conv")(x1)
    return layers.Concatenate(axis=bn_axis, name=name + "_concat")([x, x1])


inputs = keras.Input(shape=(8, 8, 3))
x = conv_block(inputs, 4, name="conv2_block1")
x = conv_block(x, 4, name="conv2_block2")
model = keras.Model(inputs, x)
"""


def test_an_if_that_only_picks_values_folds_with_the_values_written() -> None:
    output = subclass(PICKED)
    flat = " ".join(output.split())  # the long call is wrapped
    assert "class ConvBlock(layers.Layer):" in output
    assert "def __init__(self, growth_rate, name, **kwargs):" in output
    # a name computed once from the module and parameters is assigned as the helper did, and
    # one an if/else computes so (``width``) as one conditional expression; parameters stay
    bn_axis = 'bn_axis = 3 if keras.config.image_data_format() == "channels_last" else 1'
    assert f"super().__init__(name=name, **kwargs)\n        {bn_axis}\n" in output
    assert "width = 4 * growth_rate if growth_rate > 0 else 4\n" in output
    assert "layers.BatchNormalization( axis=bn_axis, epsilon=1.001e-5," in flat
    assert 'name=name + "_0_bn"' in output
    assert 'layers.Conv2D(width, 1, use_bias=False, name=name + "_1_conv")' in output
    assert 'layers.Conv2D(growth_rate, 3, padding="same", name=name + "_2_conv")' in output
    assert 'self.conv2_block2 = ConvBlock(4, name="conv2_block2")' in output
    assert 'layers.Concatenate(axis=bn_axis, name=name + "_concat")' in output
    assert output.count("layers.Concatenate(") == 1  # the class's: the helper is gone


def test_an_if_every_call_takes_gives_what_its_variable_held_when_not_taken() -> None:
    """``Block(2)`` makes no ReLU: its ``x`` is what the Dense gave."""
    output = subclass(
        """
def block(x, units):
    x = layers.Dense(units)(x)
    if units > 4:
        x = layers.ReLU()(x)
    return x


inputs = keras.Input(shape=(4,))
x = block(inputs, 8)
model = keras.Model(inputs, block(x, 6))
"""
    )

    assert (
        "    def call(self, x):\n"
        "        x = self.dense(x)\n"
        "        if self.re_lu is not None:\n"
        "            x = self.re_lu(x)\n"
        "        return x\n"
    ) in output, output


def test_calls_that_pick_other_values_fold_with_the_pick_written() -> None:
    output = subclass(
        PICKED.replace(
            'x = conv_block(x, 4, name="conv2_block2")', 'x = conv_block(x, -1, name="b2")'
        )
    )
    # width 16 in one call and 4 in the other: the class picks it as the helper did
    assert "class ConvBlock(layers.Layer):" in output
    assert "width = 4 * growth_rate if growth_rate > 0 else 4\n" in output
    assert 'self.b2 = ConvBlock(-1, name="b2")' in output


# ResNet's blocks: a projection under ``if conv_shortcut:``, the identity in its ``else``.
SHORTCUT = """
def residual_block(x, filters, stride=1, conv_shortcut=True, name=None):
    bn_axis = 3 if keras.config.image_data_format() == "channels_last" else 1
    if conv_shortcut:
        shortcut = layers.Conv2D(filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=bn_axis, name=name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 3, strides=stride, padding="same", name=name + "_1_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name=name + "_1_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


inputs = keras.Input(shape=(8, 8, 3))
x = residual_block(inputs, 8, name="block1")
x = residual_block(x, 8, conv_shortcut=False, name="block2")
x = residual_block(x, 16, stride=2, name="block3")
model = keras.Model(inputs, x)
"""


def test_an_else_that_only_names_a_tensor_is_what_the_class_reads_when_the_if_does_not_hold():
    output = subclass(SHORTCUT)
    assert output.count("(layers.Layer):") == 1
    assert "if conv_shortcut:" in output.split("def call")[0]  # decided where layers are made
    assert "shortcut = x" in output
    assert 'self.block2 = ResidualBlock(8, conv_shortcut=False, name="block2")' in output
    assert output.count("layers.Conv2D(") == 2  # the class's two: the helper is gone


RESIDUAL = (
    CONV_BN
    + """

def residual(x, filters, stride=1):
    shortcut = x
    y = conv_bn(x, filters, strides=stride)
    if stride != 1 or x.shape[-1] != filters:
        shortcut = conv_bn(x, filters, kernel_size=1, strides=stride)  # projection
    return layers.Add()([y, shortcut])


inputs = keras.Input(shape=(8, 8, 4))
x = residual(inputs, 4)
x = residual(x, 8, stride=2)
x = residual(x, 8)
model = keras.Model(inputs, x)
"""
)


def test_an_if_on_the_input_shape_is_decided_in_build() -> None:
    lines = [line.rstrip() for line in subclass(RESIDUAL).splitlines()]
    start = lines.index("    def build(self, input_shape):")
    assert lines[start + 1 : start + 4] == [
        "        self.shortcut = None",
        "        if self.stride != 1 or input_shape[-1] != self.filters:",
        "            self.shortcut = ConvBn(self.filters, kernel_size=1, strides=self.stride)",
    ]
    assert "        self.filters = filters" in lines and "        self.stride = stride" in lines
    # what a call that skips the if reads (x), then what the if computes
    start = lines.index("        shortcut = x")
    assert lines[start + 1 : start + 3] == [
        "        if self.shortcut is not None:",
        "            shortcut = self.shortcut(x, training=training)  # projection",
    ]
    assert "        self.residual_2 = Residual(8)" in lines


PROJECTED = """def block(x, units, project=False):
    h = layers.Dense(units)(x)
    if project:
        x = layers.Dense(units, name="proj")(x)
    return layers.Add()([h, x])


inputs = keras.Input(shape=(4,))
x = block(inputs, 8, project=True)
x = block(x, 8)
model = keras.Model(inputs, x)
"""


def test_an_if_on_a_name_the_helper_computes_reads_it_assigned_first() -> None:
    output = subclass(
        """
def block(x, units):
    wide = units * 2
    x = layers.Dense(units)(x)
    if wide > 8:
        x = layers.ReLU()(x)
    return x


inputs = keras.Input(shape=(4,))
x = block(inputs, 8)
x = block(x, 2)
model = keras.Model(inputs, x)
"""
    )
    assert (
        "        wide = units * 2\n"
        "        self.dense = layers.Dense(units)\n"
        "        self.re_lu = None\n"
        "        if wide > 8:\n"
        "            self.re_lu = layers.ReLU()\n"
    ) in output


def test_an_if_on_parameters_is_decided_in_init() -> None:
    output = subclass(PROJECTED)
    assert "    def build(" not in output
    assert "        self.dense_1 = None\n        if project:\n" in output
    assert '            self.dense_1 = layers.Dense(units, name="proj")' in output
    assert "self.block = Block(8, project=True)" in output


# MobileViT's and MobileNetV2's inverted residual block, in our own words: no call takes every
# ``if``, since a block that strides never adds its input back.
INVERTED = """def inverted(x, filters, expand, stride, residual, name):
    inputs = x
    if expand:
        x = layers.Conv2D(filters * 2, 1, use_bias=False, name=f"{name}_expand")(x)
        x = layers.ReLU(6.0, name=f"{name}_expand_relu")(x)
    if stride == 2:
        x = layers.ZeroPadding2D(1, name=f"{name}_pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid")(x)
    x = layers.Conv2D(filters, 1, name=f"{name}_project")(x)
    if residual and stride == 1:
        return layers.Add(name=f"{name}_add")([inputs, x])
    return x


inputs = keras.Input(shape=(16, 16, 8))
x = inverted(inputs, 8, False, 1, True, "b0")
x = inverted(x, 16, True, 2, False, "b1")
x = inverted(x, 16, True, 1, True, "b2")
model = keras.Model(inputs, x)
"""


def test_a_class_no_one_call_holds_is_stitched_from_the_calls_that_took_each_if() -> None:
    lines = [line.rstrip() for line in subclass(INVERTED).splitlines()]
    start = lines.index("class Inverted(layers.Layer):")
    init = lines[start + 1 : lines.index("    def call(self, x):")]
    # every layer once, in the order the helper makes them, each if kept around its own
    assert [line.strip().split(" = ")[0] for line in init if " = " in line] == [
        "self.conv2d",
        "self.re_lu",
        "self.conv2d",
        "self.re_lu",
        "self.zero_padding2d",
        "self.zero_padding2d",
        "self.depthwise_conv2d",
        "self.conv2d_1",
        "self.add",
        "self.add",
    ]
    assert "        if expand:" in init and "        if stride == 2:" in init
    assert "        if residual and stride == 1:" in init
    assert '            self.add = layers.Add(name=f"{name}_add")' in init
    assert sum(line.count("layers.") for line in lines) == 7  # no layer pasted per call
    assert '        self.inverted_1 = Inverted(16, True, 2, False, "b1")' in lines
    start = lines.index("    def call(self, x):")
    call = lines[start : lines.index("class MyModel(keras.Model):") - 2]
    # a call that skips an if reads what its variable held before it
    assert (
        call[call.index("        if self.zero_padding2d is not None:") - 1] == "        x_2 = x_1"
    )
    assert "        x_1 = self.depthwise_conv2d(x_2)" in call
    # where the if returns, the class returns what the helper returned after it, either way
    assert call[-3:] == [
        "        if self.add is not None:",
        "            x_1 = self.add([x, x_1])",
        "        return x_1",
    ]


CHOSEN = """def block(x, filters, stride=1, conv_shortcut=False, name=None):
    preact = layers.BatchNormalization(name=f"{name}_preact_bn")(x)
    if conv_shortcut:
        shortcut = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 3, strides=stride, padding="same", name=f"{name}_1_conv")(preact)
    return layers.Add(name=f"{name}_out")([shortcut, x])


inputs = keras.Input(shape=(8, 8, 4))
x = block(inputs, 4, conv_shortcut=True, name="b1")
x = block(x, 4, name="b2")
x = block(x, 4, stride=2, name="b3")
model = keras.Model(inputs, x)
"""


def test_an_else_that_builds_in_a_conditional_expression_is_an_if_of_its_own() -> None:
    """ResNetV2's shortcut: projected, pooled where the block strides, else the input. No call
    takes both: the class is stitched, each layer under its own test, the pooling's under the
    ``else``'s too, and reads the input where neither holds."""
    output = subclass(CHOSEN)
    assert output.count("(layers.Layer):") == 1
    assert "        if conv_shortcut:\n            self.conv2d = layers.Conv2D(" in output
    assert "        if not conv_shortcut and stride > 1:\n" in output
    assert "            self.max_pooling2d = layers.MaxPooling2D(1, strides=stride)" in output
    call = output.split("    def call(self, x, training=None):\n")[1].split("class MyModel")[0]
    assert (
        "        shortcut = x\n"
        "        if self.conv2d is not None:\n"
        "            shortcut = self.conv2d(preact)\n"
        "        if self.max_pooling2d is not None:\n"
        "            shortcut = self.max_pooling2d(x)\n"
    ) in call
    assert output.count("layers.Conv2D(") == 2  # the class's two: nothing pasted per call


PICKED_EXPRESSION = """def block(x, units, project=False):
    x = layers.Dense(units)(x) if project else x
    return layers.ReLU()(x)


inputs = keras.Input(shape=(4,))
x = block(inputs, 4, project=True)
x = block(x, 4)
model = keras.Model(inputs, x)
"""


def test_a_conditional_expression_choosing_a_layer_or_the_input_is_an_if() -> None:
    output = subclass(PICKED_EXPRESSION)
    assert "        if project:\n            self.dense = layers.Dense(units)" in output
    assert "        if self.dense is not None:\n            x = self.dense(x)" in output
    assert output.count("layers.Dense(") == 1


SCOPED = """def block(x, filters, strides=1, block_id=None):
    with keras.name_scope(f"block_{block_id}"):
        x = layers.ReLU()(x)
        if strides == 2:
            with keras.name_scope("pad"):
                x = layers.ZeroPadding2D(1, name=f"pad_{block_id}")(x)
            padding = "valid"
        else:
            padding = "same"
        x = layers.Conv2D(filters, 3, strides=strides, padding=padding, name=f"conv_{block_id}")(x)
    return x


inputs = keras.Input(shape=(8, 8, 3))
x = block(inputs, 4, strides=2, block_id="a")
x = block(x, 4, block_id="b")
model = keras.Model(inputs, x)
"""


def test_a_with_that_only_names_a_scope_is_part_of_the_block_and_not_written() -> None:
    """NASNet's cells wrap their bodies in ``with backend.name_scope(...)``: the scope prefixes
    variable paths only (layers keep their ``name=``, which loading weights by name matches), so
    the helper folds as if its statements were the body's own, and the class writes no ``with``."""
    output = subclass(SCOPED)
    assert output.count("(layers.Layer):") == 1
    assert "name_scope" not in output
    assert (
        "        if strides == 2:\n            self.zero_padding2d = layers.ZeroPadding2D("
        in output
    )
    assert 'name=f"conv_{block_id}"' in output
    assert output.count("layers.Conv2D(") == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "source",
    [
        RESIDUAL,
        PROJECTED,
        PICKED.lstrip(),
        SHORTCUT.lstrip(),
        INVERTED,
        CHOSEN,
        PICKED_EXPRESSION,
        SCOPED,
    ],
    ids=["build", "init", "picked", "else", "stitched", "chosen", "expression", "scoped"],
)
def test_blocks_with_an_if_compute_what_the_helper_did(source: str) -> None:
    assert_subclass_computes_the_same(HEADER + source)


@pytest.mark.parametrize(
    ("why", "helper", "calls"),
    [
        (
            "called once: nothing is pasted twice",
            CONV_BN,
            "x = conv_bn(inputs, 8)",
        ),
        (
            "every call takes the if, which reads what its variable held before: what the "
            "class reads when it does not is unknown",
            """\
def block(x, units):
    skip = x
    x = layers.Dense(units)(x)
    if units > 4:
        x = layers.ReLU()(skip)  # Block(2) would have to make no ReLU
    return x
""",
            "x = block(inputs, 8)\nx = block(x, 8)",
        ),
        (
            "two results",
            """\
def pair(x, units):
    return layers.Dense(units)(x), layers.Dense(units)(x)
""",
            "x, y = pair(inputs, 8)\nx, z = pair(x, 8)\nx = layers.Add()([x, y, z])",
        ),
        (
            "it reads a tensor of its caller that no parameter passes",
            """\
def add_input(x, units):
    return layers.Add()([layers.Dense(4)(x), inputs])
""",
            "x = add_input(inputs, 8)\nx = add_input(x, 8)",
        ),
        (
            "a layer of the caller's, shared by every call",
            """\
def through(x, layer):
    return layers.ReLU()(layer(x))
""",
            "shared = layers.Dense(4)\nx = through(inputs, shared)\nx = through(x, shared)",
        ),
        (
            "the class would ignore `units`: a helper written out inside made the layer with it",
            """\
def maybe_dense(x, units):
    for _ in range(1):  # a loop: no class stands for it
        x = layers.Dense(units)(x)
    return x


def wrapped(x, units):
    return layers.ReLU()(maybe_dense(x, units))
""",
            "x = wrapped(inputs, 8)\nx = wrapped(x, 8)",
        ),
        (
            "calls that take each branch of an if with an else: each branch's class would "
            "stand for one call",
            """\
def block(x, units):
    if units > 4:
        x = layers.Dense(units)(x)
    else:
        x = layers.Dense(units, use_bias=False)(x)
    return x
""",
            "x = block(inputs, 8)\nx = block(x, 2)",
        ),
        (
            "the test reads x after the helper rebound it, not the input build() sees",
            """\
def block(x, units):
    x = layers.Dense(units)(x)
    if x.shape[-1] != 8:
        x = layers.Dense(8)(x)
    return x
""",
            "x = block(inputs, 8)\nx = block(x, 4)",
        ),
    ],
    ids=[
        "once",
        "if-every-call-takes",
        "two-results",
        "closure",
        "shared-layer",
        "unread-parameter",
        "if-else",
        "if-on-a-rebound-input",
    ],
)
def test_a_helper_stays_written_out_when_one_class_cannot_stand_for_its_calls(
    why: str, helper: str, calls: str
) -> None:
    source = (
        f"{helper}\n\ninputs = keras.Input(shape=(4,))\n{calls}\nmodel = keras.Model(inputs, x)\n"
    )
    output = subclass(source)
    assert "(layers.Layer):" not in output, why


COMMENTED = """\
def head(x, units):
    # squeeze, then score
    x = layers.Dense(units)(x)  # squeeze
    return layers.Dense(1)(x)


inputs = keras.Input(shape=(4,))
{calls}
model = keras.Model(inputs, x)
"""


def test_a_block_class_keeps_the_helpers_comments_and_written_out_code_does_not() -> None:
    folded = subclass(COMMENTED.format(calls="x = head(inputs, 8)\nx = head(x, 4)"))
    class_body = folded.split("class Head")[1].split("class MyModel")[0]
    assert "        # squeeze, then score\n        x = self.dense(x)  # squeeze\n" in class_body
    assert folded.count("# squeeze") == 2  # the class's (the helper is gone)
    written_out = subclass(COMMENTED.format(calls="x = head(inputs, 8)"))
    # they described the helper, which nothing calls now: both are gone
    assert written_out.count("# squeeze") == 0 and "def head(" not in written_out


def test_keyword_only_parameters_stay_keyword_only() -> None:
    output = subclass(
        """
def block(x, *, units=8, rate=0.1):
    return layers.Dropout(rate)(layers.Dense(units)(x))


inputs = keras.Input(shape=(4,))
x = block(inputs)
x = block(x, units=4, rate=0.2)
model = keras.Model(inputs, x)
"""
    )
    assert "def __init__(self, *, units=8, rate=0.1, **kwargs):" in output
    assert "self.block_1 = Block(units=4, rate=0.2)" in output


def test_a_parameter_the_helper_rebinds_first_is_written_as_what_the_body_made_of_it() -> None:
    output = subclass(
        """
def block(x, filters, width):
    filters = filters * width
    x = layers.Dense(filters)(x)
    return layers.Dense(width)(x)


inputs = keras.Input(shape=(8,))
x = block(inputs, 4, 2)
x = block(x, 8, 2)
model = keras.Model(inputs, x)
"""
    )
    # the class rebinds it first, as the helper did: Dense(filters) is not Dense(4)
    assert (
        "        super().__init__(**kwargs)\n"
        "        filters = filters * width\n"
        "        self.dense = layers.Dense(filters)\n"
    ) in output
    assert "self.block = Block(4, 2)" in output and "self.block_1 = Block(8, 2)" in output


# EfficientNet's block: the expansion taken where ``expand_ratio != 1`` (``else: x = inputs``), a
# padding computed from the tensor's shape where it strides, a name picked in an if/else, a
# nested ``if`` in the residual ``if``, and a merge written as a function.
MBCONV = """
def pad_for(x, kernel_size):
    size = x.shape[1:3]
    adjust = (1 - size[0] % 2, 1 - size[1] % 2)
    return ((kernel_size // 2 - adjust[0], kernel_size // 2), (kernel_size // 2 - adjust[1], kernel_size // 2))


def mbconv(inputs, filters_in, filters_out, kernel_size=3, strides=1, expand_ratio=1, drop=0.0, name=""):
    if expand_ratio != 1:
        x = layers.Conv2D(filters_in * expand_ratio, 1, name=f"{name}expand")(inputs)
    else:
        x = inputs
    if strides == 2:
        x = layers.ZeroPadding2D(padding=pad_for(x, kernel_size), name=f"{name}pad")(x)
        conv_pad = "valid"
    else:
        conv_pad = "same"
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding=conv_pad, name=f"{name}dw")(x)
    x = layers.Conv2D(filters_out, 1, name=f"{name}project")(x)
    if strides == 1 and filters_in == filters_out:
        if drop > 0:
            x = layers.Dropout(drop, name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


inputs = keras.Input(shape=(16, 16, 8))
x = mbconv(inputs, 8, 8, drop=0.05, name="a_")
x = mbconv(x, 8, 16, 3, 2, 4, 0.1, name="b_")
x = mbconv(x, 16, 16, 3, 1, 4, 0.2, name="c_")
x = mbconv(x, 16, 24, 5, 2, 4, 0.3, name="d_")
model = keras.Model(inputs, x)
"""


def test_an_efficientnet_block_folds_with_its_shape_padding_given_by_each_call() -> None:
    output = subclass(MBCONV)
    flat = " ".join(output.split())
    assert output.count("(layers.Layer):") == 1
    assert 'conv_pad = "valid" if strides == 2 else "same"' in output
    # computed from a tensor's shape: each call that pads passes it
    assert 'layers.ZeroPadding2D(padding=padding, name=f"{name}pad")' in output
    assert 'name="b_", padding=((0, 1), (0, 1)))' in flat
    assert 'name="d_", padding=((1, 2), (1, 2)))' in flat
    assert 'self.c = Mbconv(16, 16, 3, 1, 4, 0.2, name="c_")' in output
    assert 'layers.Add(name=f"{name}add")' in output  # the merge, with the block's name
    assert output.count("layers.Dropout(") == 1  # under the residual ``if``, as every call took it


def test_calls_that_differ_in_an_if_inside_an_if_stay_written_out() -> None:
    # the first call adds its input back without dropping: the class has no ``if drop > 0``
    output = subclass(MBCONV.replace("drop=0.05, ", ""))
    assert "(layers.Layer):" not in output


def test_a_long_signature_takes_a_line_a_parameter() -> None:
    output = subclass(MBCONV)
    assert (
        "    def __init__(\n"
        "        self,\n"
        "        filters_in,\n"
        "        filters_out,\n"
        "        kernel_size=3,\n"
    ) in output
    assert "        padding=None,\n        **kwargs,\n    ):\n" in output
