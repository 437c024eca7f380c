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
