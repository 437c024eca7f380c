"""``kcg graph``: the Mermaid, DOT and JSON drawings read back and checked against the sample code;
escaping, options, Graphviz rendering (when installed) and its absence, atomic -o, the README."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sample_cases import SAMPLES

from kcodegen.cli import main
from kcodegen.frontend import parse_models
from kcodegen.render import dot, mermaid

README = SAMPLES.parent / "README.md"
HAS_DOT = shutil.which("dot") is not None

OPS = """\
import keras
from keras import layers, ops

inputs = keras.Input(shape=(8,))
y = ops.mean(inputs, axis=1, keepdims=True)
z = 0.5 * y
out = layers.Dense(2)(z)
model = keras.Model(inputs, out)
"""

AWKWARD_NAMES = """\
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
x = layers.Dense(2, name="a<b>&#c|`d")(inputs)
y = layers.Dense(2, name='say "hi"')(x)
z = layers.Dense(2, name="back\\\\slash")(y)
model = keras.Model(inputs, z)
"""

NESTED = """\
import keras
from keras import layers

encoder = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name="code")], name="enc")

image = keras.Input(shape=(3,))
code = encoder(image)
score = layers.Dense(1, name="score")(code)
outer = keras.Model(image, score)
"""

TWO_MODELS = """\
import keras
from keras import layers

encoder = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)], name="enc")

inputs = keras.Input(shape=(4,))
head = keras.Model(inputs, layers.Dense(2)(inputs), name="classifier")
"""


def graph(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["graph", *map(str, args)])


def drawn(*args: str | Path) -> str:
    result = graph(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def sample(case: str) -> Path:
    return SAMPLES / case / "model.py"


def write(folder: Path, source: str) -> Path:
    path = folder / "model.py"
    path.write_text(source)
    return path


# --- reading Mermaid back ------------------------------------------------------------------------
MERMAID_NODE = re.compile(
    r'^\s+(\w+)(\[/"|\[\\"|\["|\{\{"|\(\["|\[\[")(.*?)("/\]|"\\\]|"\]|"\}\}|"\]\)|"\]\])$'
)
MERMAID_EDGE = re.compile(r'^\s+(\w+) -->(?:\|"(.*?)"\|)? (\w+)$')
SHAPE_KIND = {
    '[/"': "input",
    '[\\"': "output",
    '["': "layer",
    '{{"': "merge",
    '(["': "op",
    '[["': "model",
}


def mermaid_nodes(text: str) -> dict[str, tuple[str, list[str]]]:
    """Node id -> (kind by shape, label lines)."""
    nodes = {}
    for line in text.splitlines():
        if match := MERMAID_NODE.match(line):
            nodes[match[1]] = (SHAPE_KIND[match[2]], match[3].split("<br/>"))
    return nodes


def mermaid_edges(text: str) -> list[tuple[str, str | None, str]]:
    return [(m[1], m[2], m[3]) for line in text.splitlines() if (m := MERMAID_EDGE.match(line))]


def by_label(nodes: dict[str, tuple[str, list[str]]], first_line: str) -> str:
    (node_id,) = [i for i, (_, lines) in nodes.items() if lines[0] == first_line]
    return node_id


def test_two_input_concat_mermaid_shows_both_inputs_merging():
    text = drawn(sample("two_input_concat"))
    nodes, edges = mermaid_nodes(text), mermaid_edges(text)

    assert text.startswith('---\ntitle: "model (functional)"\n---\nflowchart TB\n')
    assert nodes[by_label(nodes, "input1")] == ("input", ["input1", "Input (784,)"])
    assert nodes[by_label(nodes, "concat")] == ("merge", ["concat", "Concatenate()"])
    assert nodes[by_label(nodes, "dense_3")] == (
        "layer",
        ["dense_3", "Dense(32, activation='tanh')"],
    )
    assert sorted(kind for kind, _ in nodes.values()) == ["input"] * 2 + ["layer"] * 4 + [
        "merge",
        "output",
    ]
    name = {node_id: lines[0] for node_id, (_, lines) in nodes.items()}
    assert sorted((name[a], name[b]) for a, _, b in edges) == sorted(
        [
            ("input1", "dense_1"),
            ("input2", "dense_2"),
            ("dense_1", "concat"),
            ("dense_2", "concat"),
            ("concat", "dense_3"),
            ("dense_3", "output"),  # the Dense named 'output'
            ("output", "output"),  # ... into the output box
        ]
    )


def test_a_shared_layer_is_one_box_with_its_calls_on_the_arrows():
    text = drawn(sample("siamese_shared_dense"))
    nodes, edges = mermaid_nodes(text), mermaid_edges(text)

    shared = by_label(nodes, "shared")
    assert nodes[shared][1] == [
        "shared",
        "Dense(8, activation=#quot;relu#quot;)",
        "shared: 2 calls",
    ]
    left, right, subtract = (
        by_label(nodes, "left_input"),
        by_label(nodes, "right_input"),
        by_label(nodes, "Subtract()"),
    )
    assert (left, "call 1", shared) in edges
    assert (right, "call 2", shared) in edges
    assert [(label, b) for a, label, b in edges if a == shared] == [
        ("call 1", subtract),
        ("call 2", subtract),
    ]
    assert f"    class {shared} shared" in text.splitlines()


def test_a_subclassed_model_is_drawn_layer_by_layer():
    text = drawn(sample("subclass_two_outputs"))
    nodes, edges = mermaid_nodes(text), mermaid_edges(text)

    assert 'title: "model (subclassing, class TwoHead)"' in text
    assert [lines[0] for kind, lines in nodes.values() if kind == "layer"] == [
        "hidden1",
        "hidden2",
        "value_head",
        "class_head",
    ]
    hidden2 = by_label(nodes, "hidden2")
    assert sorted(nodes[b][1][0] for a, _, b in edges if a == hidden2) == [
        "class_head",
        "value_head",
    ]
    assert [lines for kind, lines in nodes.values() if kind == "output"] == [
        ["output 0", "value"],
        ["output 1", "label"],
    ]


def test_operations_are_small_nodes_with_their_text(tmp_path):
    text = drawn(write(tmp_path, OPS))
    nodes = mermaid_nodes(text)

    assert [lines for kind, lines in nodes.values() if kind == "op"] == [
        ["ops.mean(inputs, axis=1, keepdims=True)"],
        ["0.5 * y"],
    ]


def test_an_application_is_one_box():
    nodes = mermaid_nodes(drawn(sample("age_gender_vgg16")))

    assert nodes[by_label(nodes, "vgg")] == ("model", ["vgg", "VGG16(include_top=False, …)"])


def test_nested_model_is_one_box_unless_expanded(tmp_path):
    path = write(tmp_path, NESTED)
    (outer,) = [g for g in parse_models(NESTED).models if g.name == "outer"]
    assert [layer.submodel for layer in outer.layers] == ["encoder", None]

    folded = drawn(path, "--model", "outer")
    expanded = drawn(path, "--model", "outer", "--expand-nested")

    nodes = mermaid_nodes(folded)
    assert nodes[by_label(nodes, "encoder")] == ("model", ["encoder", "Sequential model"])
    assert "subgraph" not in folded
    nodes, edges = mermaid_nodes(expanded), mermaid_edges(expanded)
    assert "    subgraph n1 [\"encoder (sequential, name='enc')\"]" in expanded.splitlines()
    inner_input = by_label(nodes, "inputs")  # the encoder's own Input, inside the cluster
    assert inner_input.startswith("n1_")
    assert (by_label(nodes, "image"), None, inner_input) in edges
    (inner_output,) = [
        i for i, (kind, _) in nodes.items() if kind == "output" and i.startswith("n1_")
    ]
    assert (by_label(nodes, "code"), None, inner_output) in edges
    assert (inner_output, None, by_label(nodes, "score")) in edges
    assert "encoder" not in {lines[0] for _, lines in nodes.values()}


# --- escaping -----------------------------------------------------------------------------------
def test_mermaid_escapes_every_character_it_could_read_as_syntax():
    assert mermaid.escape('a"b<c>#d&e`f|g') == "a#quot;b#lt;c#gt;#35;d#amp;e#96;f#124;g"


def test_mermaid_labels_with_awkward_names_stay_inside_their_quotes(tmp_path):
    text = drawn(write(tmp_path, AWKWARD_NAMES))
    nodes = mermaid_nodes(text)

    assert ["a#lt;b#gt;#amp;#35;c#124;#96;d", "Dense(2)"] in [lines for _, lines in nodes.values()]
    for line in text.splitlines()[4:]:  # after the front matter
        assert "<" not in line.replace("<br/>", ""), line
        assert line.count('"') in (0, 2), line  # quotes only open and close a label


def test_dot_quotes_escape_backslashes_quotes_and_newlines():
    assert dot.quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


# --- reading DOT back ---------------------------------------------------------------------------
DOT_NODE = re.compile(r'^\s+(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$')
DOT_EDGE = re.compile(r'^\s+(\w+) -> (\w+)(?: \[label="((?:[^"\\]|\\.)*)"\])?;$')


def dot_graph(text: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str | None]]]:
    """(node id -> (label, other attributes), edges), after checking the braces balance."""
    assert text.count("{") == text.count("}")
    nodes = {m[1]: (m[2], m[3]) for line in text.splitlines() if (m := DOT_NODE.match(line))}
    edges = [(m[1], m[2], m[3]) for line in text.splitlines() if (m := DOT_EDGE.match(line))]
    return nodes, edges


def test_dot_draws_the_same_graph_with_shapes():
    text = drawn(sample("siamese_shared_dense"), "--format", "dot")
    nodes, edges = dot_graph(text)

    assert text.startswith('digraph "model" {\n')
    labels = {node_id: label for node_id, (label, _) in nodes.items()}
    shared = next(i for i, label in labels.items() if label.startswith("shared\\n"))
    assert labels[shared] == 'shared\\nDense(8, activation=\\"relu\\")\\nshared: 2 calls'
    assert "penwidth=3" in nodes[shared][1]
    assert (
        "shape=hexagon" in nodes[next(i for i, label in labels.items() if label == "Subtract()")][1]
    )
    assert [a for a, b, label in edges if b == shared] == [
        next(i for i, label in labels.items() if label.startswith("left_input")),
        next(i for i, label in labels.items() if label.startswith("right_input")),
    ]
    assert sorted(label for a, b, label in edges if shared in (a, b)) == [
        "call 1",
        "call 1",
        "call 2",
        "call 2",
    ]
    assert len(edges) == 6


def test_dot_with_several_models_gives_each_a_cluster(tmp_path):
    text = drawn(write(tmp_path, TWO_MODELS), "--format", "dot")
    nodes, edges = dot_graph(text)

    assert re.findall(r'subgraph "(cluster_\w+)"', text) == ["cluster_m0_model", "cluster_m1_model"]
    assert {node_id.split("_")[0] for node_id in nodes} == {"m0", "m1"}
    assert all(a.split("_")[0] == b.split("_")[0] for a, b, _ in edges)  # no arrow between models


def test_dot_awkward_names_are_escaped(tmp_path):
    nodes, _ = dot_graph(drawn(write(tmp_path, AWKWARD_NAMES), "--format", "dot"))

    labels = [label for label, _ in nodes.values()]
    assert 'say \\"hi\\"\\nDense(2)' in labels
    assert "back\\\\slash\\nDense(2)" in labels  # a backslash stays a backslash, not an escape


# --- JSON ---------------------------------------------------------------------------------------
def test_json_lists_nodes_and_edges_with_stable_keys():
    document = json.loads(drawn(sample("siamese_shared_dense"), "--format", "json"))

    assert set(document) == {"version", "models"}
    (model,) = document["models"]
    assert set(model) == {"name", "title", "nodes", "edges", "clusters"}
    node_keys = {
        "id",
        "kind",
        "label",
        "line",
        "layer_class",
        "name",
        "shape",
        "calls",
        "merge",
        "shared",
        "cluster",
    }
    assert all(set(node) == node_keys for node in model["nodes"])
    assert all(set(edge) == {"source", "target", "tensor", "label"} for edge in model["edges"])
    kinds = [node["kind"] for node in model["nodes"]]
    assert kinds == ["input", "input", "layer", "layer", "layer", "output"]
    shared = next(node for node in model["nodes"] if node["name"] == "shared")
    assert (shared["calls"], shared["shared"], shared["line"]) == (2, True, 9)
    assert model["nodes"][0]["shape"] == [16]
    assert {edge["tensor"] for edge in model["edges"] if edge["source"] == shared["id"]} == {
        "left_encoded",
        "right_encoded",
    }


# --- options ------------------------------------------------------------------------------------
def test_rankdir_sets_the_direction():
    assert "flowchart LR\n" in drawn(sample("two_input_concat"), "--rankdir", "LR")
    assert "rankdir=BT," in drawn(sample("two_input_concat"), "--rankdir", "BT", "--format", "dot")


def test_every_model_gets_a_diagram_unless_model_picks_one(tmp_path):
    path = write(tmp_path, TWO_MODELS)

    both = drawn(path)
    one = drawn(path, "--model", "classifier")

    assert both.count("flowchart TB") == 2
    assert one.count("flowchart TB") == 1
    assert "title: \"head (functional, name='classifier')\"" in one


def test_unknown_model_is_bad_input(tmp_path):
    result = graph(write(tmp_path, TWO_MODELS), "--model", "nope")

    assert result.exit_code == 2
    assert "no model named 'nope'" in result.stderr


@pytest.mark.parametrize("output_format", ["mermaid", "dot", "json"])
def test_output_is_deterministic_across_processes(run_kcg, output_format):
    """Separate processes with different hash seeds: no set or id order leaks into the output."""
    first, second = (
        run_kcg(
            "graph",
            sample("cnn_inception_block"),
            "--format",
            output_format,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    )
    assert first == second
    assert first.decode() == drawn(sample("cnn_inception_block"), "--format", output_format)


def test_a_model_that_cannot_be_understood_exits_1_with_the_reason(tmp_path):
    path = write(
        tmp_path,
        "import sys\nimport keras\nfrom keras import layers\n\n"
        "inputs = keras.Input(shape=(4,))\nx = inputs\n"
        "for _ in range(int(sys.argv[1])):\n    x = layers.Dense(4)(x)\n"
        "model = keras.Model(inputs, x)\n",
    )

    result = graph(path)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{path}:7: not understood: ")


def test_syntax_error_is_bad_input(tmp_path):
    result = graph(write(tmp_path, "import keras\nmodel = (\n"))

    assert result.exit_code == 2
    assert re.fullmatch(
        rf"{re.escape(str(tmp_path / 'model.py'))}:2:\d+: syntax error: .*", result.stderr.strip()
    )


# --- writing ------------------------------------------------------------------------------------
def test_o_writes_what_stdout_would_show_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out" / "model.mmd"
    target.parent.mkdir()
    target.write_text("old")

    result = graph(sample("two_input_concat"), "-o", target)

    assert result.exit_code == 0, result.stderr
    assert (result.stdout, target.read_text()) == ("", drawn(sample("two_input_concat")))
    assert [p.name for p in target.parent.iterdir()] == ["model.mmd"]


def test_o_dash_is_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = graph(sample("two_input_concat"), "-o", "-")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == drawn(sample("two_input_concat"))
    assert list(tmp_path.iterdir()) == []


def test_o_into_a_missing_folder_is_bad_input(tmp_path):
    result = graph(sample("two_input_concat"), "-o", tmp_path / "missing" / "model.mmd")

    assert result.exit_code == 2
    assert "no such folder" in result.stderr
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` is not installed")
def test_svg_and_png_are_drawn_by_graphviz(tmp_path):
    svg = drawn(sample("subclass_two_outputs"), "--format", "svg")
    png = tmp_path / "model.png"
    result = graph(sample("subclass_two_outputs"), "--format", "png", "-o", png)

    assert "<svg" in svg and "hidden1" in svg and "class_head" in svg
    assert result.exit_code == 0, result.stderr
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_without_graphviz_svg_says_how_to_install_it_and_writes_nothing(run_kcg, tmp_path):
    no_dot = tmp_path / "bin"
    no_dot.mkdir()
    target = tmp_path / "model.svg"

    result = run_kcg(
        "graph",
        sample("two_input_concat"),
        "--format",
        "svg",
        "-o",
        target,
        env={"PATH": str(no_dot)},
    )

    assert result.returncode == 2
    message = result.stderr.decode()
    assert message.count("\n") == 1 and "Traceback" not in message
    assert "Graphviz" in message
    assert all(
        hint in message for hint in ("apt install graphviz", "brew install graphviz", "conda")
    )
    assert not target.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a pseudo-terminal")
def test_png_is_not_written_to_a_terminal(tmp_path):
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kcodegen",
                "graph",
                str(sample("two_input_concat")),
                "--format",
                "png",
            ],
            stdout=follower,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
            env={
                **os.environ,
                "PATH": str(tmp_path),
            },  # no dot either: the terminal check comes first
        )
    finally:
        os.close(follower)
        os.close(leader)

    assert done.returncode == 2
    assert b"PNG is binary" in done.stderr


# --- the README ---------------------------------------------------------------------------------
def test_readme_mermaid_blocks_are_the_current_output(run_kcg):
    """Each ```mermaid block follows a ```sh block with the command that prints it."""
    examples = re.findall(
        r"```sh\n(kcg graph [^\n]+)\n```\n\n```mermaid\n(.*?)```", README.read_text(), re.S
    )

    assert len(examples) >= 2, "the README should show a branching and a subclassed model"
    for command, shown in examples:
        result = run_kcg(*command.split()[1:], cwd=README.parent)
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode() == shown, command
