"""Saved models kcg cannot write as code: the reason, naming the layer, the right exit code, and
nothing written. No TensorFlow: the configs are written here as Keras 3 saves them."""

from __future__ import annotations

import json
import zipfile

import pytest


def _layer(class_name, name, inbound, module="keras.layers", **config):
    tensors = [
        {
            "class_name": "__keras_tensor__",
            "config": {"shape": [None, 4], "keras_history": [t, 0, 0]},
        }
        for t in inbound
    ]
    return {
        "module": module,
        "class_name": class_name,
        "config": {"name": name, "trainable": True, **config},
        "registered_name": None,
        "name": name,
        "inbound_nodes": [{"args": tensors, "kwargs": {}}] if tensors else [],
    }


def _functional(*layers):
    inputs = {
        "module": "keras.layers",
        "class_name": "InputLayer",
        "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "x"},
        "name": "x",
        "inbound_nodes": [],
    }
    last = layers[-1]["name"]
    config = {"name": "m", "layers": [inputs, *layers], "input_layers": [["x", 0, 0]]}
    config["output_layers"] = [[last, 0, 0]]
    return {"module": "keras.src.models.functional", "class_name": "Functional", "config": config}


CASES = {
    "lambda": (
        _functional(_layer("Dense", "d", ["x"], units=2), _layer("Lambda", "scale", ["d"])),
        1,
        ["layer `scale`", "Lambda"],
    ),
    "subclassed": (
        {"module": "my_models", "class_name": "MyModel", "config": {"name": "mine", "units": 3}},
        1,
        ["subclassed model", "`mine`"],
    ),
    "custom-without-module": (
        _functional(_layer("Scale", "scale", ["x"], module=None, factor=2.0)),
        1,
        ["layer `scale`", "--custom-module"],
    ),
    "not-a-model": ({"weights": [1, 2, 3]}, 2, ["not a Keras model config"]),
}


@pytest.mark.parametrize("case", CASES)
def test_refused_with_the_layer_and_nothing_written(run_kcg, tmp_path, case):
    config, code, words = CASES[case]
    saved = tmp_path / "model.json"
    saved.write_text(json.dumps(config))
    out = tmp_path / "out.py"

    result = run_kcg("convert", saved, "--to", "functional", "--no-verify", "-o", out)

    stderr = result.stderr.decode()
    assert result.returncode == code, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith(f"{saved}: ")
    for word in words:
        assert word in stderr
    assert not out.exists()


def test_unreadable_files_exit_2(run_kcg, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a zip")
    empty = tmp_path / "empty.keras"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("metadata.json", "{}")

    for path, words in [
        (broken, "zip"),
        (empty, "no config.json"),
        (tmp_path / "missing.keras", "no such file"),
    ]:
        result = run_kcg("convert", path, "--to", "functional", "--no-verify")
        assert result.returncode == 2, result.stderr.decode()
        assert words in result.stderr.decode()
        assert "Traceback" not in result.stderr.decode()


def test_weights_only_h5_is_not_a_model(run_kcg, tmp_path):
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "model.weights.h5"
    with h5py.File(path, "w") as file:
        file.create_group("layers")

    result = run_kcg("convert", path, "--to", "functional", "--no-verify")

    assert result.returncode == 2
    assert "no model config" in result.stderr.decode()


def test_source_only_options_are_refused(run_kcg, tmp_path):
    saved = tmp_path / "model.json"
    saved.write_text(json.dumps(_functional(_layer("Dense", "d", ["x"], units=2))))

    in_place = run_kcg("convert", saved, "--to", "functional", "--no-verify", "--in-place")
    bad_name = run_kcg("convert", saved, "--to", "functional", "--no-verify", "--name", "1x")

    assert in_place.returncode == 2 and "-o" in in_place.stderr.decode()
    assert bad_name.returncode == 2 and "--name" in bad_name.stderr.decode()
    assert json.loads(saved.read_text())["class_name"] == "Functional"


def test_writes_a_module_binding_the_model_to_the_name_asked(run_kcg, tmp_path):
    saved = tmp_path / "model.json"
    saved.write_text(json.dumps(_functional(_layer("Dense", "d", ["x"], units=2))))

    result = run_kcg("convert", saved, "--to", "functional", "--no-verify", "--name", "net")

    assert result.returncode == 0, result.stderr.decode()
    code = result.stdout.decode()
    # A JSON config does not say its Keras version: every argument is written.
    assert 'layers.Dense(2, trainable=True, name="d")' in code
    assert 'net = keras.Model([inputs], [x], name="m")' in code  # as saved: lists of one
    compile(code, "generated.py", "exec")


def test_a_keras_2_config_reads_as_well(run_kcg, tmp_path):
    """tf.keras wrote inbound nodes as ``[[layer, node, tensor, kwargs], ...]`` and no modules."""

    def layer(class_name, name, inbound, **config):
        nodes = [[[t, 0, 0, {}] for t in inbound]] if inbound else []
        return {
            "class_name": class_name,
            "name": name,
            "inbound_nodes": nodes,
            "config": {"name": name, "trainable": True, "dtype": "float32", **config},
        }

    inputs = {
        "class_name": "InputLayer",
        "name": "input_1",
        "inbound_nodes": [],
        "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"},
    }
    config = {
        "class_name": "Functional",
        "config": {
            "name": "old",
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["merge", 0, 0]],
            "layers": [
                inputs,
                layer("Dense", "a", ["input_1"], units=3),
                layer("Dense", "b", ["input_1"], units=3),
                layer("Concatenate", "merge", ["a", "b"], axis=-1),
            ],
        },
    }
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(config))

    result = run_kcg("convert", saved, "--to", "functional", "--no-verify")

    assert result.returncode == 0, result.stderr.decode()
    code = result.stdout.decode()
    assert 'inputs = keras.Input(shape=(4,), name="input_1")' in code
    assert 'name="merge")([a, x])' in code
    compile(code, "old.py", "exec")


def test_a_keras_2_sequential_takes_its_shape_from_its_first_layer(run_kcg, tmp_path):
    dense = {
        "class_name": "Dense",
        "config": {"name": "d", "units": 2, "batch_input_shape": [None, 7]},
    }
    config = {"class_name": "Sequential", "config": {"name": "old", "layers": [dense]}}
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(config))

    result = run_kcg("convert", saved, "--to", "functional", "--no-verify")

    code = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert "keras.Input(shape=(7,))" in code and "batch_input_shape" not in code
