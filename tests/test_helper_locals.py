"""Names a helper computes from its parameters alone (``bn_name = None if name is None else
f"{name}_bn"``) are assigned, as the helper did, in the block class made from it, so calls that
differ in them still fold into one class (InceptionResNetV2's ``conv2d_bn``)."""

from __future__ import annotations

import libcst as cst
import pytest

from kcodegen.codegen.helper_locals import read_through, with_assignments
from kcodegen.convert import convert
from kcodegen.frontend.helper_locals import derived_locals
from kcodegen.frontend.syntax import negated
from kcodegen.verify import VerifyReport, VerifySession
from kcodegen.verify.conversion import verify_conversion


def helper(body: str) -> str:
    return "def helper(x, filters, name=None):\n" + "".join(
        f"    {line}\n" for line in body.split("\n")
    )


VALID = {
    "from a parameter": ('bn_name = None if name is None else f"{name}_bn"', "bn_name"),
    "from the module": (
        'axis = 3 if backend.image_data_format() == "channels_last" else 1',
        "axis",
    ),
    "from a name found before": ("wide = filters * 2\ndeep = int(wide * 1.5)", "deep"),
    "inside an if": ("if filters:\n        half = filters // 2", "half"),
    "a parameter rebound first": ("filters = int(filters * 2)", "filters"),
    "the input's shape before it is rebound": (
        "width = x.shape[-1]\nx = layers.ReLU()(x)",
        "width",
    ),
}

INVALID = {
    "assigned twice": ("width = 4\nwidth = filters", "width"),
    "in a loop": ("for i in range(2):\n        step = filters * i", "step"),
    "an object": ("dense = layers.Dense(filters)", "dense"),
    "a comprehension": ("sizes = [f * 2 for f in (filters,)]", "sizes"),
    "from a loop's name": ("for i in range(2):\n        pass\nlast = i", "last"),
    "a parameter read before it is rebound": ("half = filters // 2\nfilters = half", "filters"),
    "the input's shape after it is rebound": (
        "x = layers.ReLU()(x)\nwidth = x.shape[-1]",
        "width",
    ),
    "the input itself before it is rebound": ("skip = x\nx = layers.ReLU()(x)", "skip"),
    "a parameter rebound in an if": ("if name:\n        filters = filters * 2", "filters"),
    "read before the if rebinds it": ('p = "a"\nq = p\nif name:\n        p = "b"', "p"),
    "read in the if before it rebinds it": (
        'p = "a"\nif name:\n        q = p\n        p = "b"',
        "p",
    ),
    "rebound in an elif": ('p = "a"\nif name:\n        pass\nelif filters:\n        p = "b"', "p"),
    "rebound in an if on a local": ('p = "a"\nt = x\nt = 1\nif t:\n        p = "b"', "p"),
}


@pytest.mark.parametrize(
    ("body", "expression"),
    [
        (  # MobileNetV3: rebound in the if
            'prefix = "conv_"\nif name:\n        prefix = f"{name}_"',
            'f"{name}_" if name else "conv_"',
        ),
        (  # MobileNetV2: rebound in the else, read in the if
            'prefix = f"b{filters}_"\nif filters:\n        y = f"{prefix}x"\nelse:\n'
            '        prefix = "first_"',
            'f"b{filters}_" if filters else "first_"',
        ),
        (
            "w = 1 if name else 2\nif filters:\n        w = 3",
            "3 if filters else (1 if name else 2)",
        ),
    ],
)
def test_a_name_rebound_in_an_if_on_parameters_is_one_conditional_expression(
    body: str, expression: str
) -> None:
    found = dict(derived_locals(helper(body)))
    assert found[body.split(" = ", 1)[0]] == expression


@pytest.mark.parametrize(("body", "name"), VALID.values(), ids=VALID.keys())
def test_names_computed_from_parameters_and_the_module_are_found(body: str, name: str) -> None:
    assert name in dict(derived_locals(helper(body)))


@pytest.mark.parametrize(("body", "name"), INVALID.values(), ids=INVALID.keys())
def test_anything_else_is_not(body: str, name: str) -> None:
    assert name not in dict(derived_locals(helper(body)))


DERIVED = (
    ("filters", "int(filters * alpha)"),  # a parameter rebound from itself
    ("bn_name", 'None if name is None else f"{name}_bn"'),
    ("half", "filters // 2"),
    ("wide", "half * 2"),
)


@pytest.mark.parametrize(
    ("text", "used", "reads"),
    [
        ("bn_name", ("bn_name",), {"name"}),
        ("wide + 1", ("filters", "half", "wide"), {"int", "filters", "alpha"}),  # through three
        ('f"{half}_conv"', ("filters", "half"), {"int", "filters", "alpha"}),
        ("x.half", (), {"x"}),  # an attribute is not the name
        ("filters", ("filters",), {"int", "filters", "alpha"}),  # reads the parameter
    ],
)
def test_the_names_a_text_reads_through_the_helpers_names(
    text: str, used: tuple[str, ...], reads: set[str]
) -> None:
    assert read_through([text], DERIVED) == (used, reads)


def test_init_assigns_the_names_its_layers_read_in_the_helpers_order() -> None:
    init, build = with_assignments(
        ["self.dense = layers.Dense(wide, name=bn_name)"], [], DERIVED, {"filters", "alpha"}, None
    )
    assert init == [
        "filters = int(filters * alpha)",
        'bn_name = None if name is None else f"{name}_bn"',
        "half = filters // 2",
        "wide = half * 2",
        "self.dense = layers.Dense(wide, name=bn_name)",
    ]
    assert build == []


def test_build_reads_the_parameters_as_attributes_and_the_shape_as_input_shape() -> None:
    derived = (("channels", "x.shape[-1]"), ("filters", "int(filters * alpha)"))
    init, build = with_assignments(
        [], ["self.conv = layers.Conv2D(channels * filters, 1)"], derived, {"filters", "alpha"}, "x"
    )
    assert build == [
        "channels = input_shape[-1]",
        "filters = int(self.filters * self.alpha)",
        "self.conv = layers.Conv2D(channels * filters, 1)",
    ]
    assert init == ["self.alpha = alpha", "self.filters = filters"]


CONV_BN = """\
import keras
from keras import layers


def conv_bn(x, filters, activation="relu", use_bias=False, name=None):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=use_bias, name=name)(x)
    if not use_bias:
        bn_name = None if name is None else f"{name}_bn"
        x = layers.BatchNormalization(name=bn_name)(x)
    if activation is not None:
        x = layers.Activation(activation)(x)
    return x


inputs = keras.Input((8, 8, 3))
x = conv_bn(inputs, 4, name="stem")
x = conv_bn(x, 4, activation=None, use_bias=True)
x = conv_bn(x, 8)
model = keras.Model(inputs, layers.GlobalAveragePooling2D()(x))
"""


def test_a_helper_naming_its_layers_from_its_name_folds_into_one_class() -> None:
    """Its two ``if``s in a row: when the second is not taken, the class returns what the
    first gave, whichever way the first went (no call here skips only one of them)."""
    output = convert(CONV_BN, "subclassing").output

    assert output.count("layers.BatchNormalization(") == 1
    # the helper's own name for it, assigned as the helper did
    assert '        bn_name = None if name is None else f"{name}_bn"\n' in output
    assert "layers.BatchNormalization(name=bn_name)" in output
    assert (
        "    def call(self, x, training=None):\n"
        "        x = self.conv2d(x)\n"
        "        if self.batch_normalization is not None:\n"
        "            x = self.batch_normalization(x, training=training)\n"
        "        if self.activation is not None:\n"
        "            x = self.activation(x)\n"
        "        return x\n"
    ) in output, output
    assert 'self.stem = ConvBn(4, name="stem")' in output
    assert "self.conv_bn = ConvBn(4, activation=None, use_bias=True)" in output


MIRRORED = """\
import keras
from keras import layers


def depthwise_block(inputs, filters, alpha, strides=1):
    filters = int(filters * alpha)
    if strides == 1:
        x = inputs
    else:
        x = layers.ZeroPadding2D(1)(inputs)
    x = layers.DepthwiseConv2D(3, strides=strides, padding="same" if strides == 1 else "valid")(x)
    return layers.Conv2D(filters, 1)(x)


inputs = keras.Input((8, 8, 3))
x = depthwise_block(inputs, 8, 0.5)
x = depthwise_block(x, 16, 0.5, strides=2)
model = keras.Model(inputs, layers.GlobalAveragePooling2D()(x))
"""


def test_an_if_that_names_and_an_else_that_builds_is_the_if_turned_round() -> None:
    """MobileNet's padding: ``if strides == (1, 1): x = inputs`` / ``else: x = pad(inputs)``;
    and its ``filters = int(filters * alpha)``, kept in the class."""
    output = convert(MIRRORED, "subclassing").output

    assert "class DepthwiseBlock(layers.Layer):" in output
    assert (
        "        if strides != 1:\n            self.zero_padding2d = layers.ZeroPadding2D(1)\n"
        in output
    )
    assert "        filters = int(filters * alpha)\n" in output
    assert "layers.Conv2D(filters, 1)" in output
    assert (
        "        x = inputs\n"
        "        if self.zero_padding2d is not None:\n"
        "            x = self.zero_padding2d(inputs)\n"
    ) in output, output
    assert "self.depthwise_block_1 = DepthwiseBlock(16, 0.5, strides=2)" in output


@pytest.mark.parametrize(
    ("test", "written"),
    [
        ("strides == (1, 1)", "strides != (1, 1)"),
        ("x is None", "x is not None"),
        ("not use_bias", "use_bias"),
        ("a < b", "not (a < b)"),
    ],
)
def test_a_test_turned_round_reads_as_written(test: str, written: str) -> None:
    assert negated(cst.parse_expression(test), test) == written


def test_the_converted_blocks_compute_the_same(verify_session: VerifySession) -> None:
    for source in (CONV_BN, MIRRORED):
        conversion = convert(source, "subclassing")
        assert conversion.converted == ("model",), conversion.refusals

        ((_, report),) = verify_conversion(
            source,
            conversion.output,
            conversion.models,
            path="model.py",
            binds={},
            assume={},
            session=verify_session,
        )

        assert isinstance(report, VerifyReport), report
        assert report.equivalent, report.details()
