"""What Keras 3 records of a Functional model beyond its layers, read back as a person writes it:
configs built by hand in the form Keras 3.15 saves (no TensorFlow)."""

from __future__ import annotations

from typing import Any

from kcodegen.saved.arguments import table
from kcodegen.saved.config_graph import TensorKey, read_model
from kcodegen.saved.convert import convert_config

VERSION = table()["keras_version"]


def tensor(layer: str, node: int = 0) -> dict[str, Any]:
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, 0]}}


def entry(class_name: str, name: str, *args: Any, module: str = "keras.layers", **kwargs: Any):
    config = {"name": name, **kwargs.pop("config", {})}
    nodes = [{"args": list(args), "kwargs": kwargs}] if args else []
    return {
        "module": module,
        "class_name": class_name,
        "name": name,
        "config": config,
        "inbound_nodes": nodes,
    }


def source(name: str, shape: list[Any], dtype: str = "float32") -> dict[str, Any]:
    return entry("InputLayer", name, config={"batch_shape": [None, *shape], "dtype": dtype})


def functional(name: str, layers: list[dict[str, Any]], inputs: Any, outputs: Any):
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "name": name,
        "config": {
            "name": name,
            "layers": layers,
            "input_layers": inputs,
            "output_layers": outputs,
        },
        "inbound_nodes": [],
    }


def dense(name: str, units: int, *args: Any, **kwargs: Any) -> dict[str, Any]:
    return entry("Dense", name, *args, config={"units": units}, **kwargs)


def op(class_name: str, name: str, *args: Any, **config: Any) -> dict[str, Any]:
    return entry(class_name, name, *args, module="keras.src.ops.numpy", config=config)


def write(model: dict[str, Any]) -> str:
    return convert_config(model, "functional", keras_version=VERSION).output


def test_a_nested_functional_model_read_by_another_is_its_call_not_its_own_node():
    # Keras 3 counts a nested Functional model's own node in its inputs and outputs but not in
    # the tensors a call reads: `decoder` reads node 0 of `encoder`, the model's output is node 1.
    encoder = functional(
        "encoder",
        [source("a", [4]), dense("code", 2, tensor("a"))],
        [["a", 0, 0]],
        [["code", 0, 0]],
    )
    decoder = functional(
        "decoder",
        [source("b", [2]), dense("back", 4, tensor("b"))],
        [["b", 0, 0]],
        [["back", 0, 0]],
    )
    encoder["inbound_nodes"] = [{"args": [tensor("x")], "kwargs": {"mask": None}}]
    decoder["inbound_nodes"] = [{"args": [tensor("encoder")], "kwargs": {"mask": None}}]
    model = functional(
        "autoencoder", [source("x", [4]), encoder, decoder], [["x", 0, 0]], [["decoder", 1, 0]]
    )

    calls = read_model(model).calls
    text = write(model)

    assert [call.args for call in calls if call.layer == "decoder"] == [
        [TensorKey("encoder", 1, 0)]
    ]
    assert "x = encoder(inputs)\nx = decoder(x)\n" in text
    # Keras records a nested model's training flag only when its author gave it: kept.
    encoder["inbound_nodes"][0]["kwargs"]["training"] = False
    assert "x = encoder(inputs, training=False)\n" in write(model)


def test_the_mask_and_training_flag_keras_passed_itself_are_left_out():
    embedding = entry(
        "Embedding",
        "embed",
        tensor("tokens"),
        config={"input_dim": 8, "output_dim": 4, "mask_zero": True},
    )
    lstm = entry(
        "LSTM",
        "lstm",
        tensor("embed"),
        training=False,
        mask=tensor("not_equal"),
        config={"units": 3},
    )
    model = functional(
        "text",
        [
            source("tokens", [5], "int32"),
            embedding,
            op("NotEqual", "not_equal", tensor("tokens"), 0),
            lstm,
            entry("Dropout", "drop", tensor("lstm"), training=False, config={"rate": 0.5}),
        ],
        [["tokens", 0, 0]],
        [["drop", 0, 0]],
    )

    text = write(model)

    assert "ops" not in text and "mask=" not in text and "training=" not in text
    assert 'layers.LSTM(3, name="lstm")(x)' in text


def test_a_mask_given_where_keras_would_not_pass_it_is_kept():
    # The LSTM reads another input: the embedding's mask reaches it only because it was given.
    embedding = entry(
        "Embedding",
        "embed",
        tensor("tokens"),
        config={"input_dim": 8, "output_dim": 4, "mask_zero": True},
    )
    lstm = entry("LSTM", "lstm", tensor("series"), mask=tensor("not_equal"), config={"units": 3})
    model = functional(
        "given",
        [
            source("tokens", [5], "int32"),
            source("series", [5, 2]),
            embedding,
            op("NotEqual", "not_equal", tensor("tokens"), 0),
            lstm,
        ],
        [["tokens", 0, 0], ["series", 0, 0]],
        [["embed", 0, 0], ["lstm", 0, 0]],
    )

    text = write(model)

    assert "ops.not_equal(tokens, 0)" in text and "(series, mask=" in text
    # A training flag other than the recorded default is the author's: kept.
    model["config"]["layers"][4]["inbound_nodes"][0]["kwargs"]["training"] = True
    assert "training=True" in write(model)


def test_ops_are_written_without_their_defaults_and_operands_bracketed_where_needed():
    model = functional(
        "ops",
        [
            source("x", [3, 4]),
            op("Mean", "mean", tensor("x"), axis=1, keepdims=False),
            op("Sum", "sum", tensor("mean"), axis=-1, keepdims=True),
            op("Divide", "divide", tensor("sum"), 1 / 255),
            op("Subtract", "subtract", tensor("divide"), -0.5),
        ],
        [["x", 0, 0]],
        [["subtract", 0, 0]],
    )

    text = write(model)

    assert "ops.mean(inputs, axis=1)" in text
    assert "ops.sum(x, axis=-1, keepdims=True)" in text
    assert "x / (1 / 255)" in text and "x - (-0.5)" in text
