"""``kcg analyze``: facts checked against what the sample code says, the JSON contract, exit codes.

The expected facts come from reading the samples (line numbers included), not from the tool.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sample_cases import SAMPLES

from kcodegen.cli import main

README = SAMPLES.parent / "README.md"

OPS_AND_SHARED = """\
import keras
from keras import layers, ops

inputs = keras.Input(shape=(8,), dtype="int32")
x = layers.Embedding(100, 4)(inputs)
y = ops.mean(x, axis=1)
z = 0.5 * y
d = layers.Dense(4)
a = d(z)
b = d(a)
c = a + b
out = layers.Dense(2, name="out")(c)
model = keras.Model(inputs, [out, c])
"""

TWO_MODELS = """\
import keras
from keras import layers

encoder = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)], name="enc")

inputs = keras.Input(shape=(4,))
head = keras.Model(inputs, layers.Dense(2)(inputs), name="classifier")
"""

CLASS_ONLY = """\
import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(3)

    def call(self, x):
        return self.d(x)
"""

RUNTIME_LOOP = """\
import sys
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = inputs
for _ in range(int(sys.argv[1])):
    x = layers.Dense(4)(x)
model = keras.Model(inputs, x)
"""


def analyze(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["analyze", *map(str, args)], input=stdin)


def sample(case: str) -> Path:
    return SAMPLES / case / "model.py"


def report(*args: str | Path) -> dict[str, Any]:
    """The JSON report of one file with one model: that model's object."""
    result = analyze(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (file,) = json.loads(result.stdout)["files"]
    (model,) = file["models"]
    return model


def reason_lines(model: dict[str, Any], style: str) -> list[int]:
    return [reason["line"] for reason in model["styles"][style]["reasons"]]


def rows(text: str, label: str) -> list[str]:
    """The values of a text row, with its continuation lines (which have no label)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {label} "))
    found = [lines[start][2 + len(label) :].strip()]
    for line in lines[start + 1 :]:
        if not line.startswith(" " * 17):
            break
        found.append(line.strip())
    return found


# --- facts, as the sample code states them -------------------------------------------------------
def test_siamese_text_names_the_shared_layer_with_its_calls():
    result = analyze(sample("siamese_shared_dense"))

    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.splitlines()[0] == f"{sample('siamese_shared_dense')}:16: model (functional)"
    assert rows(text, "inputs") == [
        "left_input   (16,)  name 'left'   line 5",
        "right_input  (16,)  name 'right'  line 6",
    ]
    assert rows(text, "shared layers") == ["shared (Dense): 2 calls, lines 10, 11"]
    assert rows(text, "merges") == ["Subtract merges 2 tensors, line 13"]
    assert rows(text, "layers") == ["3 (4 calls)"]  # shared, subtract, similarity; shared twice
    assert rows(text, "branch points") == ["none"]
    styles = rows(text, "styles")
    assert styles[0] == "sequential   no"
    assert [line.split(":")[0] for line in styles[1:4]] == ["line 11", "line 13", "line 16"]
    assert styles[4:] == ["functional   yes, as written", "subclassing  yes"]


def test_two_input_concat_has_two_inputs_a_merge_and_no_sequential():
    model = report(sample("two_input_concat"))

    assert [(i["name"], i["shape"], i["keras_name"], i["line"]) for i in model["inputs"]] == [
        ("input1", [784], "input_1", 5),
        ("input2", [784], "input_2", 6),
    ]
    assert model["input_kind"] == "list"
    assert model["merges"] == [
        {"layer": "concat", "layer_class": "keras.layers.Concatenate", "tensors": 2, "line": 15}
    ]
    assert (model["layers"], model["calls"], model["linear_chain"]) == (5, 5, False)
    assert model["outputs"] == [
        {"name": "outputs", "key": None, "producer": "output (Dense)", "line": 19}
    ]
    assert model["styles"]["sequential"]["fits"] is False
    assert reason_lines(model, "sequential") == [15, 22]  # the concatenate; Model(inputs=[...])
    assert model["styles"]["functional"] == {"fits": True, "reasons": []}
    assert model["styles"]["subclassing"] == {"fits": True, "reasons": []}


def test_fashion_mnist_subclassing_fits_every_style_once_its_input_shape_is_known():
    model = report(sample("fashion_mnist_subclassing"), "--input-shape", "inputs=28,28")

    assert (model["style"], model["class_name"]) == ("subclassing", "MyModel")
    assert (model["line"], model["class_line"]) == (48, 34)  # model = MyModel(); class MyModel
    assert model["inputs"][0]["shape"] == [28, 28]
    assert model["inputs"][0]["line"] == 42  # the call(self, inputs) parameter
    assert all(fit["fits"] for fit in model["styles"].values())
    assert model["linear_chain"] is True


def test_a_subclass_without_input_shape_does_not_fit_functional_and_says_how_to_fix_it():
    model = report(sample("fashion_mnist_subclassing"))

    assert model["styles"]["functional"]["fits"] is False
    (reason,) = model["styles"]["functional"]["reasons"]
    assert reason["line"] == 48
    assert "--input-shape inputs=" in reason["message"]


def test_dict_io_reports_keys_shapes_and_the_branch_point():
    model = report(sample("dict_io_functional"))

    assert model["input_kind"] == model["output_kind"] == "dict"
    assert [(i["key"], i["shape"]) for i in model["inputs"]] == [("title", [10]), ("body", [20])]
    assert [(o["key"], o["name"]) for o in model["outputs"]] == [
        ("priority", "priority_pred"),
        ("department", "department_pred"),
    ]
    assert model["branch_points"] == [
        {"tensor": "features", "line": 13, "users": 2, "user_lines": [15, 16]}
    ]
    assert reason_lines(model, "sequential") == [12, 16, 18, 18]


def test_inception_block_branches_and_merges_at_the_lines_that_call_the_helper():
    model = report(sample("cnn_inception_block"))

    assert [m["line"] for m in model["merges"]] == [22, 23]  # x = inception_block(...)
    assert [(b["tensor"], b["line"], b["users"]) for b in model["branch_points"]] == [
        ("x", 21, 2),
        ("x", 22, 2),
    ]
    assert model["layers"] == 19  # 1 + 2 * (2 * 3 + 1) conv blocks and merges, pooling, head
    assert model["keras_name"] == "inception_mini"


def test_a_loop_s_repeated_facts_are_counted_in_text_and_listed_in_json():
    # samples/resnet_stages: a 2 x 2 stage/block loop at line 33 of residual blocks; the first
    # block's input comes from the stem (line 32), every other one from the loop
    text = analyze(sample("resnet_stages")).output

    assert rows(text, "merges") == ["Add merges 2 tensors, line 33 (4 times)"]
    assert rows(text, "branch points") == [
        "`x` from line 32 feeds 2 steps, line 33",
        "`x` from line 33 feeds 2 steps, line 33 (3 times)",
    ]
    assert len(report(sample("resnet_stages"))["merges"]) == 4


def test_vgg16_is_a_nested_model():
    model = report(sample("age_gender_vgg16"))

    assert model["nested_models"] == [
        {"layer": "vgg", "layer_class": "keras.applications.VGG16", "line": 24, "submodel": None}
    ]
    assert [o["producer"] for o in model["outputs"]] == ["Age (Dense)", "Gender (Dense)"]


def test_subclass_two_outputs_returns_a_tuple_from_two_heads():
    model = report(sample("subclass_two_outputs"))

    assert (model["class_line"], model["output_kind"]) == (4, "tuple")
    assert [(o["name"], o["producer"], o["line"]) for o in model["outputs"]] == [
        ("value", "value_head (Dense)", 17),
        ("label", "class_head (Dense)", 18),
    ]
    assert model["styles"]["functional"]["fits"] is True  # model(tf.zeros((1, 12))) gives the shape


def test_ops_and_a_layer_called_on_its_own_output(tmp_path):
    source = tmp_path / "model.py"
    source.write_text(OPS_AND_SHARED)

    model = report(source)

    assert model["ops"] == [
        {"text": "ops.mean(x, axis=1)", "line": 6},
        {"text": "0.5 * y", "line": 7},
        {"text": "a + b", "line": 11},
    ]
    assert model["shared_layers"] == [
        {"layer": "d", "layer_class": "keras.layers.Dense", "calls": 2, "lines": [9, 10]}
    ]
    assert model["inputs"][0]["dtype"] == "int32"
    assert [o["producer"] for o in model["outputs"]] == ["out (Dense)", "`a + b`"]
    text = analyze(source).stdout
    assert rows(text, "ops") == [
        "`ops.mean(x, axis=1)`, line 6",
        "`0.5 * y`, line 7",
        "`a + b`, line 11",
    ]


def test_a_class_never_instantiated_is_analyzed_but_cannot_be_rewritten_in_place(tmp_path):
    source = tmp_path / "model.py"
    source.write_text(CLASS_ONLY)

    model = report(source)
    text = analyze(source).stdout

    assert (model["name"], model["class_line"]) == ("Net", 5)
    assert model["inputs"][0]["shape"] is None
    assert model["rewrite_problem"] == "Net is never instantiated in this file"
    assert rows(text, "inputs") == ["x  shape unknown  call() argument, line 10"]
    assert rows(text, "convert") == [
        "cannot rewrite it in place: Net is never instantiated in this file"
    ]


# --- the JSON contract -----------------------------------------------------------------------------
def test_json_keys_are_a_stable_contract():
    result = analyze(
        sample("siamese_shared_dense"), sample("dict_io_functional"), "--format", "json"
    )

    document = json.loads(result.stdout)
    assert set(document) == {"version", "files"}
    assert document["version"] == 1
    assert [set(f) for f in document["files"]] == [
        {"path", "models", "problems", "assumptions"}
    ] * 2
    model = document["files"][0]["models"][0]
    assert set(model) == {
        "name",
        "keras_name",
        "class_name",
        "style",
        "line",
        "class_line",
        "input_kind",
        "inputs",
        "output_kind",
        "outputs",
        "layers",
        "calls",
        "shared_layers",
        "branch_points",
        "merges",
        "nested_models",
        "ops",
        "linear_chain",
        "styles",
        "rewrite_problem",
    }
    assert set(model["inputs"][0]) == {"name", "key", "shape", "dtype", "keras_name", "line"}
    assert set(model["outputs"][0]) == {"name", "key", "producer", "line"}
    assert set(model["shared_layers"][0]) == {"layer", "layer_class", "calls", "lines"}
    assert set(model["merges"][0]) == {"layer", "layer_class", "tensors", "line"}
    assert list(model["styles"]) == ["sequential", "functional", "subclassing"]
    assert set(model["styles"]["sequential"]) == {"fits", "reasons"}
    assert set(model["styles"]["sequential"]["reasons"][0]) == {"line", "message"}
    branch = document["files"][1]["models"][0]["branch_points"][0]
    assert set(branch) == {"tensor", "line", "users", "user_lines"}


# --- what cannot be understood, and bad input ------------------------------------------------------
def test_a_construct_that_stops_the_model_is_listed_with_its_line_and_exit_0(tmp_path):
    source = tmp_path / "model.py"
    source.write_text(RUNTIME_LOOP)

    as_json = analyze(source, "--format", "json")
    as_text = analyze(source)

    assert as_json.exit_code == as_text.exit_code == 0
    (file,) = json.loads(as_json.stdout)["files"]
    assert file["models"] == []
    assert [p["line"] for p in file["problems"]] == [7]  # the for over sys.argv
    assert as_text.stdout.startswith(f"{source}:7: not understood: ")


def test_model_picks_one_model_of_several(tmp_path):
    source = tmp_path / "model.py"
    source.write_text(TWO_MODELS)

    both = json.loads(analyze(source, "--format", "json").stdout)["files"][0]["models"]
    chosen = report(source, "--model", "classifier")  # by name=

    assert [m["name"] for m in both] == ["encoder", "head"]
    assert (chosen["name"], chosen["line"]) == ("head", 7)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{path}: no such file"),
        ("import keras\nx = (\n", r"{path}:2:\d+: syntax error: .*"),
        ("import keras\nprint('no model here')\n", "{path}: no Keras model found"),
    ],
    ids=["missing", "syntax-error", "no-model"],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "model.py"
    if content is not None:
        path.write_text(content)

    result = analyze(path)

    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert re.fullmatch(message.format(path=re.escape(str(path))), result.stderr.strip())


def test_unknown_model_exits_2_and_lists_the_models(tmp_path):
    source = tmp_path / "model.py"
    source.write_text(TWO_MODELS)

    result = analyze(source, "--model", "nope")

    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"{source}: no model named 'nope' (models in this file: encoder, head)"
    )


def test_one_bad_path_among_good_ones_still_reports_the_good_ones(tmp_path):
    result = analyze(sample("two_input_concat"), tmp_path / "missing.py", "--format", "json")

    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [Path(f["path"]).parent.name for f in files] == ["two_input_concat"]
    assert result.stderr.strip() == f"{tmp_path / 'missing.py'}: no such file"


def test_stdin_is_read_and_shown_as_stdin():
    result = analyze("-", stdin=sample("two_input_concat").read_text())

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<stdin>:22: model (functional)\n")


def test_readme_analyze_example_is_the_current_output(run_kcg):
    """The README shows ``$ kcg analyze ...`` and its output; it must be what the command prints."""
    examples = re.findall(r"```text\n\$ (kcg analyze [^\n]+)\n(.*?)```", README.read_text(), re.S)

    assert examples, "the README has no kcg analyze example"
    for command, shown in examples:
        result = run_kcg(*command.split()[1:], cwd=README.parent)
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode() == shown, command
