"""A saved layer config as the constructor call a person writes: required arguments positional,
the others only when they differ from the defaults of the Keras that saved the file."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kcodegen.saved.arguments import (
    Argument,
    call_text,
    layer_constructor,
    same,
    table,
    value_text,
)
from kcodegen.saved.errors import Unwritable

VERSION = "3.15.1"
REPOSITORY = Path(__file__).resolve().parents[2]
FLOAT32 = {
    "module": "keras",
    "class_name": "DTypePolicy",
    "config": {"name": "float32"},
    "registered_name": None,
}


def initializer(class_name: str, **config: Any) -> dict[str, Any]:
    return {
        "module": "keras.initializers",
        "class_name": class_name,
        "config": config,
        "registered_name": None,
    }


GLOROT = initializer("GlorotUniform", seed=None, input_axes=None, output_axes=None)
ZEROS = initializer("Zeros")


def layer(class_name: str, module: str | None = "keras.layers", **config: Any) -> dict[str, Any]:
    """A layer as a Functional config lists it (``build_config`` and nodes are not arguments)."""
    entry = {"class_name": class_name, "config": config, "registered_name": None}
    entry |= {"module": module} if module else {}
    return entry | {
        "build_config": {"input_shape": [None, 4]},
        "name": config.get("name"),
        "inbound_nodes": [],
    }


def dense(**changes: Any) -> dict[str, Any]:
    """Dense's full config as Keras 3.15 writes it, with ``changes``."""
    config = {
        "name": "dense",
        "trainable": True,
        "dtype": FLOAT32,
        "units": 64,
        "activation": "linear",
        "use_bias": True,
        "kernel_initializer": GLOROT,
        "bias_initializer": ZEROS,
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        "quantization_config": None,
    }
    return layer("Dense", **(config | changes))


def lstm(**changes: Any) -> dict[str, Any]:
    config = {
        "name": "lstm",
        "trainable": True,
        "dtype": FLOAT32,
        "return_sequences": False,
        "return_state": False,
        "go_backwards": False,
        "stateful": False,
        "unroll": False,
        "zero_output_for_mask": False,
        "units": 8,
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "kernel_initializer": GLOROT,
        "recurrent_initializer": initializer("Orthogonal", seed=None, gain=1.0),
        "bias_initializer": ZEROS,
        "unit_forget_bias": True,
        "dropout": 0.0,
        "recurrent_dropout": 0.0,
        "seed": None,
    }
    return layer("LSTM", **(config | changes))


def text(entry: dict[str, Any], version: str | None = VERSION, **options: Any) -> str:
    return call_text(layer_constructor(entry, version, **options.pop("layer", {})), **options)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (dense(activation="relu", name="fc1"), 'layers.Dense(64, activation="relu", name="fc1")'),
        (dense(name="dense_12"), "layers.Dense(64)"),  # a name Keras made up
        (
            dense(trainable=False, use_bias=False),
            "layers.Dense(64, use_bias=False, trainable=False)",
        ),
        (
            dense(dtype=FLOAT32 | {"config": {"name": "mixed_float16"}}),
            'layers.Dense(64, dtype="mixed_float16")',
        ),
        (
            dense(
                kernel_initializer=initializer(
                    "HeNormal", seed=1, input_axes=None, output_axes=None
                ),
                bias_initializer=initializer("Constant", value=0.5),
                kernel_regularizer={
                    "module": "keras.regularizers",
                    "class_name": "L2",
                    "config": {"l2": 0.001},
                },
            ),
            "layers.Dense(64, kernel_initializer=keras.initializers.HeNormal(seed=1), "
            "bias_initializer=keras.initializers.Constant(value=0.5), "
            "kernel_regularizer=keras.regularizers.L2(l2=0.001))",
        ),
        (
            layer(
                "Conv2D",
                filters=32,
                kernel_size=[3, 3],
                strides=[2, 2],
                padding="same",
                data_format="channels_last",
                dilation_rate=[1, 1],
                groups=1,
                name="stem",
            ),
            'layers.Conv2D(32, (3, 3), strides=(2, 2), padding="same", name="stem")',
        ),
        (
            layer(
                "BatchNormalization",
                axis=3,
                momentum=0.99,
                epsilon=1.001e-05,
                center=True,
                scale=False,
                synchronized=False,
                name="bn",
            ),
            'layers.BatchNormalization(axis=3, epsilon=1.001e-05, scale=False, name="bn")',
        ),
        (
            layer("Dropout", rate=0.2, noise_shape=[None, 1, 1, 1], seed=None, name="drop"),
            'layers.Dropout(0.2, noise_shape=(None, 1, 1, 1), name="drop")',
        ),
        (
            layer("Embedding", input_dim=1000, output_dim=16, mask_zero=True, name="embedding_1"),
            "layers.Embedding(1000, 16, mask_zero=True)",
        ),
        (
            lstm(return_sequences=True, dropout=0.25),
            "layers.LSTM(8, dropout=0.25, return_sequences=True)",
        ),
        (layer("Concatenate", axis=-1, name="concatenate"), "layers.Concatenate()"),
        (layer("Concatenate", axis=1, name="merge"), 'layers.Concatenate(axis=1, name="merge")'),
        (layer("Reshape", target_shape=[1, 1, 32], name="reshape"), "layers.Reshape((1, 1, 32))"),
        (
            layer("Activation", activation="hard_silu", name="act"),
            'layers.Activation("hard_silu", name="act")',
        ),
        (
            layer(
                "ZeroPadding2D", padding=[[0, 1], [0, 1]], data_format="channels_last", name="pad"
            ),
            'layers.ZeroPadding2D(padding=((0, 1), (0, 1)), name="pad")',
        ),
        (
            layer(
                "Normalization",
                axis=[-1],
                mean=[0.485, 0.456],
                variance=[0.25, 0.5],
                invert=False,
                name="normalization",
            ),
            "layers.Normalization(mean=[0.485, 0.456], variance=[0.25, 0.5])",
        ),
    ],
)
def test_a_layer_is_written_with_what_differs_from_its_defaults(entry, expected):
    assert text(entry) == expected


def test_arguments_keep_every_key_in_signature_order_with_their_flags():
    constructor = layer_constructor(dense(units=3, activation="relu", name="out"), VERSION)

    assert constructor.callee == "layers.Dense" and constructor.import_line is None
    assert [a.key for a in constructor.arguments[:4]] == [
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
    ]
    assert [a.key for a in constructor.arguments[-3:]] == ["trainable", "dtype", "name"]
    assert constructor.arguments[0] == Argument("units", "3", positional=True, default=False)
    assert constructor.arguments[2] == Argument("use_bias", "True", positional=False, default=True)
    assert "build_config" not in {a.key for a in constructor.arguments}
    assert call_text(constructor, keep={"use_bias", "dtype"}) == (
        'layers.Dense(3, activation="relu", use_bias=True, dtype="float32", name="out")'
    )


def test_a_pooling_stride_is_always_written_since_its_default_is_the_pool_size():
    entry = layer(
        "MaxPooling2D",
        pool_size=[3, 3],
        strides=[2, 2],
        padding="valid",
        data_format="channels_last",
        name="pool",
    )

    assert "strides" not in table()["layers"]["MaxPooling2D"]["defaults"]
    assert text(entry) == 'layers.MaxPooling2D(pool_size=(3, 3), strides=(2, 2), name="pool")'


def test_a_bidirectional_layer_writes_its_backward_layer_only_when_it_is_not_the_mirror():
    forward = lstm(name="forward_lstm", return_sequences=True, zero_output_for_mask=True)
    mirror = lstm(
        name="backward_lstm", return_sequences=True, zero_output_for_mask=True, go_backwards=True
    )
    other = lstm(
        name="backward_lstm",
        return_sequences=True,
        zero_output_for_mask=True,
        go_backwards=True,
        units=4,
    )

    def bidirectional(backward):
        return layer(
            "Bidirectional",
            name="bidirectional",
            merge_mode="sum",
            layer=forward,
            backward_layer=backward,
        )

    # zero_output_for_mask is what Bidirectional forces on both (their return_sequences).
    assert text(bidirectional(mirror)) == (
        'layers.Bidirectional(layers.LSTM(8, return_sequences=True), merge_mode="sum")'
    )
    assert text(bidirectional(other)).endswith(
        "backward_layer=layers.LSTM(4, return_sequences=True, go_backwards=True))"
    )


def test_a_wrapped_layer_is_a_nested_call():
    entry = layer("TimeDistributed", name="time_distributed", layer=dense(units=3, name="head"))

    assert text(entry) == 'layers.TimeDistributed(layers.Dense(3, name="head"))'


@pytest.mark.parametrize(
    ("entry", "options", "callee", "import_line"),
    [
        (
            layer("MyLayer", "my_pkg.layers", name="mine", scale=2),
            {},
            "MyLayer",
            "from my_pkg.layers import MyLayer",
        ),
        (
            layer("MyLayer", "train", name="mine", scale=2) | {"registered_name": "Custom>MyLayer"},
            {"custom_modules": ("my_pkg", "other")},
            "MyLayer",
            "from my_pkg import MyLayer",
        ),
        (
            layer("MyLayer", None, name="mine", scale=2),
            {"custom_modules": ("my_pkg",)},
            "MyLayer",
            "from my_pkg import MyLayer",
        ),
        (
            layer("LayerScale", "keras.src.applications.convnext", name="mine", scale=2),
            {"custom_modules": ("my_pkg",)},
            "LayerScale",
            "from keras.src.applications.convnext import LayerScale",
        ),
    ],
)
def test_a_custom_class_is_imported_and_written_with_keywords(entry, options, callee, import_line):
    entry["config"] |= {"trainable": True, "dtype": FLOAT32}
    constructor = layer_constructor(entry, VERSION, **options)

    assert (constructor.callee, constructor.import_line) == (callee, import_line)
    # Base defaults left out; its own arguments first, its name last.
    assert call_text(constructor) == f'{callee}(scale=2, name="mine")'
    assert not any(a.positional for a in constructor.arguments)


def test_a_custom_class_without_a_module_asks_for_one():
    with pytest.raises(Unwritable, match=r"layer `mine`: custom class `MyLayer` .*--custom-module"):
        layer_constructor(layer("MyLayer", None, name="mine"), VERSION)


def test_a_lambda_layer_is_unwritable():
    entry = layer(
        "Lambda", name="double", function={"class_name": "__lambda__", "config": {"value": "..."}}
    )

    with pytest.raises(
        Unwritable, match=r"layer `double`: a Lambda layer's code is not in the saved file"
    ):
        layer_constructor(entry, VERSION)


@pytest.mark.parametrize("version", ["3.3.3", "2.15.0", None])
def test_another_keras_version_writes_every_argument(version):
    constructor = layer_constructor(dense(name="dense_1"), version)
    written = text(dense(name="dense_1"), version)

    assert not any(a.default for a in constructor.arguments)
    assert written.startswith(
        'layers.Dense(64, activation="linear", use_bias=True, kernel_initializer='
    )
    assert (
        "keras.initializers.GlorotUniform(seed=None, input_axes=None, output_axes=None)" in written
    )
    assert written.endswith('trainable=True, dtype="float32", name="dense_1")')


def test_a_keras_2_layer_without_a_module_is_a_keras_layer():
    entry = layer(
        "Conv2D",
        None,
        filters=8,
        kernel_size=[1, 1],
        name="conv",
        kernel_initializer={"class_name": "HeNormal", "config": {"seed": None}},
    )

    assert text(entry, "2.13.1") == (
        'layers.Conv2D(8, (1, 1), kernel_initializer=keras.initializers.HeNormal(seed=None), name="conv")'
    )


def test_an_unknown_keras_layer_is_written_in_full_with_keywords():
    entry = layer("BrandNew", size=[2, 2], name="brand_new")

    assert text(entry) == "layers.BrandNew(size=(2, 2))"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-06, "1e-06"),
        (float("-inf"), 'float("-inf")'),
        (True, "True"),
        ("it's", '"it\'s"'),
        ('say "hi"', "'say \"hi\"'"),
        ([3], "(3,)"),
        ([], "()"),
        ([[1, 2], [3, None]], "((1, 2), (3, None))"),
        ({"a": [1]}, '{"a": (1,)}'),
        ({"class_name": "__tuple__", "items": [1, 2]}, "(1, 2)"),
        (
            {"class_name": "__numpy__", "config": {"value": [[1.5], [2.0]], "dtype": "float32"}},
            "[[1.5], [2.0]]",
        ),
        ({"class_name": "__bytes__", "config": {"value": "ab"}}, "b'ab'"),
        (
            {
                "module": "keras.activations",
                "class_name": "function",
                "config": "gelu",
                "registered_name": "gelu",
            },
            "keras.activations.gelu",
        ),
        (
            {
                "module": "keras.constraints",
                "class_name": "MaxNorm",
                "config": {"max_value": 3, "axis": 0},
            },
            "keras.constraints.MaxNorm(max_value=3)",
        ),
    ],
)
def test_values_are_python_source(value, expected):
    written = value_text(value, VERSION)

    assert written == expected
    if not written.startswith("keras."):
        assert eval(written) == eval(expected)  # literals only


def test_a_custom_function_inside_the_arguments_is_unwritable():
    activation = {
        "module": "my_pkg",
        "class_name": "function",
        "config": "swish2",
        "registered_name": "swish2",
    }

    with pytest.raises(Unwritable, match="function `swish2` from module `my_pkg`"):
        layer_constructor(dense(activation=activation), VERSION)


def test_defaults_are_compared_as_configs():
    assert same({"a": [1, 2.0], "shared_object_id": 1}, {"a": (1.0, 2)})
    assert not same(True, 1)
    assert not same({"a": None}, {"a": None, "b": 0})
    assert not same("1", 1)


def test_the_arguments_module_imports_neither_tensorflow_nor_keras():
    code = (
        "import sys, kcodegen.saved.arguments as a\n"
        "a.table()\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow')])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPOSITORY
    )

    assert result.stdout.strip() == "[]"


def strip_names(config: Any) -> Any:
    """A config without its layer names (a nested layer's name is Keras's to choose)."""
    if isinstance(config, dict):
        return {
            k: strip_names(v) for k, v in config.items() if k not in ("name", "shared_object_id")
        }
    if isinstance(config, list):
        return [strip_names(v) for v in config]
    return config


@pytest.mark.slow
def test_written_calls_rebuild_the_same_layers_and_the_table_matches_keras(capsys, tmp_path):
    keras = pytest.importorskip("keras")
    from keras import layers

    built = [
        layers.Dense(
            5,
            activation="relu",
            kernel_initializer=keras.initializers.HeNormal(seed=3),
            kernel_regularizer=keras.regularizers.L2(0.001),
            name="fc",
        ),
        layers.Dense(
            2,
            dtype="mixed_float16",
            bias_initializer=keras.initializers.Constant(0.1),
            trainable=False,
        ),
        layers.Conv2D(
            4,
            3,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_constraint=keras.constraints.MaxNorm(2.5),
        ),
        layers.DepthwiseConv2D(
            3, depthwise_initializer=keras.initializers.VarianceScaling(2.0, mode="fan_out")
        ),
        layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1.001e-5, scale=False),
        layers.MaxPooling2D(3, strides=2, padding="same"),
        layers.ZeroPadding2D(((0, 1), (2, 3))),
        layers.Dropout(0.3, noise_shape=(None, 1, 1, 4)),
        layers.Embedding(
            50, 4, mask_zero=True, embeddings_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.02)
        ),
        layers.Bidirectional(
            layers.LSTM(3, return_sequences=True, recurrent_dropout=0.1), merge_mode="ave"
        ),
        layers.Bidirectional(
            layers.GRU(3), backward_layer=layers.GRU(3, go_backwards=True, reset_after=False)
        ),
        layers.TimeDistributed(layers.Dense(2, activation="tanh")),
        layers.Normalization(axis=(3,), mean=[0.5, 0.25], variance=[1.0, 4.0]),
        layers.Rescaling(1 / 127.5, offset=-1),
        layers.Activation("hard_silu"),
        layers.LayerNormalization(epsilon=1e-6),
        layers.Reshape((-1, 2)),
        layers.Concatenate(axis=1),
    ]
    namespace = {"keras": keras, "layers": layers}
    for original in built:
        entry = json.loads(json.dumps(keras.saving.serialize_keras_object(original)))
        source = text(entry, keras.__version__)
        rebuilt = eval(source, namespace)  # the code kcg writes
        again = json.loads(json.dumps(keras.saving.serialize_keras_object(rebuilt)))
        assert strip_names(again["config"]) == strip_names(entry["config"]), source

    tool = importlib.util.spec_from_file_location(
        "keras_defaults", REPOSITORY / "tools" / "keras_defaults.py"
    )
    module = importlib.util.module_from_spec(tool)
    tool.loader.exec_module(module)
    assert module.main(["--check"]) == 0, capsys.readouterr().out
    stale = json.loads(module.TABLE.read_text())
    stale["layers"]["Dense"]["defaults"]["use_bias"] = False
    del stale["layers"]["Dropout"]
    (tmp_path / "defaults.json").write_text(json.dumps(stale))
    assert module.main(["--check", "--table", str(tmp_path / "defaults.json")]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "layers.Dense.defaults.use_bias: table false, Keras true",
        "layers.Dropout: missing from the table",
    ]


def test_values_a_built_layer_derived_from_its_other_arguments_are_left_out():
    pool = layer("MaxPooling2D", pool_size=[3, 3], strides=[3, 3], padding="valid", name="p")
    norm = layer("LayerNormalization", axis=[-1], epsilon=1e-6, name="ln")
    other_axis = layer("LayerNormalization", axis=[1, 2], name="ln")
    attention = layer("MultiHeadAttention", num_heads=2, key_dim=8, value_dim=8, name="mha")
    attention["config"]["attention_axes"] = [1]
    attention["build_config"] = {"shapes_dict": {"query_shape": [None, 12, 16]}}
    wider = {**attention, "config": {**attention["config"], "value_dim": 4}}
    image = {**attention, "build_config": {"shapes_dict": {"query_shape": [None, 5, 5, 16]}}}

    assert text(pool) == 'layers.MaxPooling2D(pool_size=(3, 3), name="p")'  # strides: pool_size
    assert text(norm) == 'layers.LayerNormalization(epsilon=1e-06, name="ln")'  # -1 built: [-1]
    assert text(other_axis) == 'layers.LayerNormalization(axis=(1, 2), name="ln")'
    # value_dim: key_dim; attention_axes: every axis between batch and features.
    assert text(attention) == 'layers.MultiHeadAttention(2, 8, name="mha")'
    assert text(wider) == 'layers.MultiHeadAttention(2, 8, value_dim=4, name="mha")'
    assert text(image) == 'layers.MultiHeadAttention(2, 8, attention_axes=(1,), name="mha")'


def test_a_float_that_is_one_over_an_integer_is_written_so():
    scale = layer("Rescaling", scale=1.0 / 255, offset=-1 / 3, name="rescale")

    assert text(scale) == 'layers.Rescaling(1 / 255, offset=-1 / 3, name="rescale")'
    assert eval("1 / 255") == 1.0 / 255 and eval("-1 / 3") == -1 / 3
    assert text(layer("Dropout", rate=0.125, name="d")) == 'layers.Dropout(0.125, name="d")'


def test_a_1d_layer_s_one_item_sizes_are_written_as_the_integer_given():
    entry = layer("Conv1D", filters=8, kernel_size=[3], strides=[2], dilation_rate=[1], name="conv")
    entry["config"]["padding"] = "valid"

    assert text(entry) == 'layers.Conv1D(8, 3, strides=2, name="conv")'
