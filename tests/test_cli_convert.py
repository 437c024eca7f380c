"""``kcg convert`` end to end: a subprocess on copies of the samples, never verifying (no TensorFlow)."""

from __future__ import annotations

import itertools
import re
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

# The fashion_mnist samples build their model between these two lines, and nowhere else.
BEFORE_MODEL = b"tf.random.set_seed(42)\n"
AFTER_MODEL = b"# Compile the model\n"

LATIN1_MODEL = """\
# -*- coding: latin-1 -*-
# Modèle fonctionnel
import keras
from keras import layers

inputs = keras.Input(shape=(4,), name="entrée")
outputs = layers.Dense(2, name="sortie")(inputs)
model = keras.Model(inputs, outputs)

print("terminé")
""".encode("latin-1")

TWO_MODELS = b"""\
import keras
from keras import layers

encoder = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, name="enc")])

inputs = keras.Input(shape=(4,))
outputs = layers.Dense(2, name="out")(inputs)
head = keras.Model(inputs, outputs, name="classifier")
"""
ENCODER_LINE = (
    b'encoder = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, name="enc")])\n'
)
HEAD_LINES = TWO_MODELS[TWO_MODELS.index(b"inputs = ") :]

Result = subprocess.CompletedProcess[bytes]


@pytest.fixture
def convert(run_kcg: Callable[..., Result]) -> Callable[..., Result]:
    """``convert(path, *options, **run_options)``: ``kcg convert PATH OPTIONS --no-verify``."""

    def run(path: str | Path, *options: str | Path, **run_options: object) -> Result:
        return run_kcg("convert", path, *options, "--no-verify", **run_options)

    return run


def around_model(module: bytes) -> tuple[bytes, bytes, bytes]:
    """A fashion_mnist module as (what comes before the model, the model, what comes after it)."""
    start = module.index(BEFORE_MODEL) + len(BEFORE_MODEL)
    end = module.index(AFTER_MODEL)
    return module[:start], module[start:end], module[end:]


def only_line(stderr: bytes) -> str:
    """The single line a user error prints, which is never a traceback."""
    text = stderr.decode()
    assert "Traceback" not in text
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- success ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "style", "written"),
    [
        ("fashion_mnist_functional", "sequential", b"model = tf.keras.Sequential("),
        ("fashion_mnist_functional", "subclassing", b"(tf.keras.Model):"),
        ("fashion_mnist_sequential", "functional", b"model = tf.keras.Model(inputs="),
        ("fashion_mnist_subclassing", "sequential", b"model = tf.keras.Sequential("),
    ],
)
def test_prints_the_module_and_keeps_everything_else(copy_sample, convert, case, style, written):
    source = copy_sample(case)
    original = source.read_bytes()

    result = convert(source, "--to", style)

    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    before, model, after = around_model(original)
    new_before, new_model, new_after = around_model(result.stdout)
    assert (new_before, new_after) == (before, after)
    assert new_model != model
    assert written in new_model
    compile(result.stdout, str(source), "exec")
    assert source.read_bytes() == original


def test_reads_stdin(copy_sample, convert):
    source = copy_sample("fashion_mnist_functional")

    from_stdin = convert("-", "--to", "subclassing", stdin=source.read_bytes())

    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_stdin.stdout == convert(source, "--to", "subclassing").stdout
    assert b"class MyModel(tf.keras.Model):" in from_stdin.stdout


def crlf_copy(copy_sample: Callable[..., Path], case: str) -> Path:
    source = copy_sample(case)
    return write(source, source.read_bytes().replace(b"\n", b"\r\n"))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda copy_sample, folder: copy_sample("two_input_concat"), id="lf"),
        pytest.param(
            lambda copy_sample, folder: crlf_copy(copy_sample, "two_input_concat"), id="crlf"
        ),
        pytest.param(
            lambda copy_sample, folder: write(folder / "model.py", LATIN1_MODEL),
            id="latin-1",
        ),
    ],
)
def test_output_file_holds_what_stdout_shows(copy_sample, convert, tmp_path, make):
    source = make(copy_sample, tmp_path)
    original = source.read_bytes()
    out = tmp_path / "out.py"

    written = convert(source, "--to", "subclassing", "-o", out)
    shown = convert(source, "--to", "subclassing", env={"PYTHONIOENCODING": "utf-8"})

    assert written.returncode == 0, written.stderr
    assert written.stdout == b""
    assert b"    def call(self, " in out.read_bytes()
    assert out.read_bytes() == shown.stdout
    assert source.read_bytes() == original
    assert files_in(tmp_path) == ["model.py", "out.py"]


def test_output_dash_is_stdout(copy_sample, convert, tmp_path):
    source = copy_sample("two_input_concat")

    dashed = convert(source, "--to", "subclassing", "-o", "-", cwd=tmp_path)

    assert dashed.returncode == 0, dashed.stderr
    assert dashed.stdout == convert(source, "--to", "subclassing").stdout
    assert b"    def call(self, " in dashed.stdout
    assert files_in(tmp_path) == ["model.py"]  # no file named "-"


def test_in_place_keeps_permission_bits(copy_sample, convert, tmp_path):
    source = copy_sample("fashion_mnist_functional")
    expected = convert(source, "--to", "sequential").stdout
    source.chmod(0o640)

    result = convert(source, "--to", "sequential", "--in-place")

    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert source.read_bytes() == expected
    assert stat.S_IMODE(source.stat().st_mode) == 0o640
    assert files_in(tmp_path) == ["model.py"]


def test_in_place_keeps_crlf_newlines(copy_sample, convert, tmp_path):
    expected = convert(copy_sample("fashion_mnist_functional"), "--to", "subclassing").stdout
    source = crlf_copy(copy_sample, "fashion_mnist_functional")

    result = convert(source, "--to", "subclassing", "--in-place")

    assert result.returncode == 0, result.stderr
    assert source.read_bytes() == expected.replace(b"\n", b"\r\n")
    assert files_in(tmp_path) == ["model.py"]


def test_in_place_keeps_the_declared_encoding(convert, tmp_path):
    source = write(tmp_path / "model.py", LATIN1_MODEL)

    result = convert(source, "--to", "sequential", "--in-place")

    assert result.returncode == 0, result.stderr
    data = source.read_bytes()
    assert "é".encode() not in data  # not re-encoded as UTF-8
    text = data.decode("latin-1")
    assert 'keras.Input(shape=(4,), name="entrée")' in text
    assert "model = keras.Sequential(" in text
    assert text.startswith("# -*- coding: latin-1 -*-\n# Modèle fonctionnel\n")
    assert text.endswith('print("terminé")\n')
    assert files_in(tmp_path) == ["model.py"]


def test_in_place_through_a_symlink_rewrites_its_target(copy_sample, convert, tmp_path):
    target = copy_sample("two_input_concat")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    expected = convert(target, "--to", "subclassing").stdout

    result = convert(link, "--to", "subclassing", "--in-place")

    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert target.read_bytes() == expected


def test_diff_prints_a_unified_diff_and_exits_1(copy_sample, convert):
    source = copy_sample("fashion_mnist_functional")
    original = source.read_bytes()
    converted = convert(source, "--to", "sequential").stdout

    result = convert(source, "--to", "sequential", "--diff")

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines(keepends=True)
    assert lines[0].startswith(b"--- ")
    assert lines[1].startswith(b"+++ ")
    assert lines[2].startswith(b"@@ ")
    removed = [line[1:] for line in lines[2:] if line.startswith(b"-")]
    added = [line[1:] for line in lines[2:] if line.startswith(b"+")]
    assert removed
    assert set(removed) <= set(original.splitlines(keepends=True))
    assert b"model = tf.keras.Sequential(\n" in added
    assert set(added) <= set(converted.splitlines(keepends=True))
    assert source.read_bytes() == original


def test_check_exits_1_when_it_would_change(copy_sample, convert):
    source = copy_sample("fashion_mnist_functional")
    original = source.read_bytes()

    result = convert(source, "--to", "subclassing", "--check")

    assert result.returncode == 1, result.stderr
    assert result.stdout == b""
    assert source.read_bytes() == original


@pytest.mark.parametrize(
    ("case", "style"),
    [
        ("fashion_mnist_functional", "functional"),
        ("fashion_mnist_sequential", "sequential"),
        ("fashion_mnist_subclassing", "subclassing"),
        ("two_input_concat", "functional"),
        ("sequential_add_named", "sequential"),
        ("subclass_two_outputs", "subclassing"),
    ],
)
def test_converting_to_the_style_it_has_changes_nothing(copy_sample, convert, case, style):
    source = copy_sample(case)
    original = source.read_bytes()

    check = convert(source, "--to", style, "--check")
    diff = convert(source, "--to", style, "--diff")
    shown = convert(source, "--to", style)

    assert (check.returncode, check.stdout) == (0, b""), check.stderr
    assert (diff.returncode, diff.stdout) == (0, b""), diff.stderr
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == original


# --- bad input: exit 2, one line, nothing written -------------------------------------------------

BAD_INPUTS = {
    # name: (file content or None for a missing file, extra options, message after "path")
    "missing-file": (None, (), r": no such file"),
    "syntax-error": (b"import keras\n\nmodel = keras.Sequential([\n", (), r":3:\d+: .*syntax"),
    "no-model": (b"import os\n\nprint(os.getcwd())\n", (), r": no Keras model"),
    "unknown-model": (TWO_MODELS, ("--model", "nope"), r": .*'nope'"),
}
OUTPUT_MODES = {"stdout": (), "-o": ("-o", "out.py"), "--in-place": ("--in-place",)}


@pytest.mark.parametrize("mode", OUTPUT_MODES)
@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(convert, tmp_path, bad, mode):
    content, options, message = BAD_INPUTS[bad]
    source = tmp_path / "model.py"
    if content is not None:
        source.write_bytes(content)
    before = files_in(tmp_path)
    mode_options = [tmp_path / o if o == "out.py" else o for o in OUTPUT_MODES[mode]]

    result = convert(source, "--to", "functional", *options, *mode_options)

    assert result.returncode == 2
    assert result.stdout == b""
    assert re.match(re.escape(str(source)) + message, only_line(result.stderr))
    assert files_in(tmp_path) == before
    if content is not None:
        assert source.read_bytes() == content


@pytest.mark.parametrize(
    "options",
    [
        *itertools.combinations([("-o", "out.py"), ("--in-place",), ("--diff",), ("--check",)], 2),
        [("--to", "nonsense")],
    ],
    ids=lambda options: " ".join(o[0] for o in options),
)
def test_usage_errors_exit_2(copy_sample, run_kcg, tmp_path, options):
    source = copy_sample("fashion_mnist_functional")
    original = source.read_bytes()
    flat = [str(tmp_path / o) if o == "out.py" else o for option in options for o in option]

    result = run_kcg("convert", source, "--to", "subclassing", *flat, "--no-verify")

    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert source.read_bytes() == original
    assert files_in(tmp_path) == ["model.py"]


def test_in_place_refuses_stdin(convert):
    result = convert("-", "--to", "functional", "--in-place", stdin=TWO_MODELS)

    assert result.returncode == 2
    assert "stdin" in only_line(result.stderr)


# --- infeasible targets: exit 1 with reasons ------------------------------------------------------


def reason_lines(stderr: bytes, path: Path) -> dict[str, int]:
    """``path:LINE: reason`` lines as {reason: LINE}; every line of stderr must name the file."""
    reasons = {}
    for line in stderr.decode().splitlines():
        assert line.startswith(f"{path}:"), line
        if found := re.match(re.escape(str(path)) + r":(\d+): (.+)", line):
            reasons[found[2]] = int(found[1])
    return reasons


@pytest.mark.parametrize(
    ("case", "style", "fragments"),
    [
        ("two_input_concat", "sequential", ["merges", "2 inputs"]),
        ("fashion_mnist_subclassing", "functional", ["--input-shape"]),
    ],
)
def test_infeasible_target_exits_1_with_reasons(
    copy_sample, convert, tmp_path, case, style, fragments
):
    source = copy_sample(case)
    original = source.read_bytes()

    result = convert(source, "--to", style, "-o", tmp_path / "out.py")

    assert result.returncode == 1
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr
    reasons = reason_lines(result.stderr, source)
    line_count = original.count(b"\n")
    for fragment in fragments:
        lines = [n for reason, n in reasons.items() if fragment in reason]
        assert lines, (fragment, result.stderr.decode())
        assert all(1 <= n <= line_count for n in lines)
    assert files_in(tmp_path) == ["model.py"]
    assert source.read_bytes() == original


def test_merge_reason_points_at_the_merge(copy_sample, convert):
    source = copy_sample("two_input_concat")
    merge_line = (
        source.read_bytes().splitlines().index(b"concat = concatenate([x1, x2], name='concat')")
    )

    reasons = reason_lines(convert(source, "--to", "sequential").stderr, source)

    assert [n for reason, n in reasons.items() if "merges" in reason] == [merge_line + 1]


def test_input_shape_makes_a_subclass_convertible(copy_sample, convert):
    source = copy_sample("fashion_mnist_subclassing")

    result = convert(source, "--to", "functional", "--input-shape", "inputs=28,28")

    assert result.returncode == 0, result.stderr
    assert b"inputs = tf.keras.Input(shape=(28, 28))\n" in result.stdout
    assert b"class MyModel" not in result.stdout


# --- several models in one file --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "style", "kept", "written"),
    [
        ("encoder", "functional", HEAD_LINES, b"encoder = keras.Model("),
        ("classifier", "sequential", ENCODER_LINE, b"head = keras.Sequential("),
    ],
    ids=["by-variable", "by-name="],
)
def test_model_option_converts_only_that_model(convert, tmp_path, model, style, kept, written):
    source = write(tmp_path / "two.py", TWO_MODELS)

    result = convert(source, "--to", style, "--model", model)

    assert result.returncode == 0, result.stderr
    assert kept in result.stdout
    assert written in result.stdout
    assert result.stdout.startswith(b"import keras\nfrom keras import layers\n")


def test_a_model_that_is_not_understood_is_named_in_a_note(run_kcg, tmp_path: Path) -> None:
    source = tmp_path / "tap.py"
    source.write_text(
        "import keras\n"
        "from keras import layers\n"
        "base = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])\n"
        "x = base.layers[-1].output\n"
        "model = keras.Model(base.inputs, layers.Dense(1)(x))\n"
    )
    done = run_kcg("convert", source, "--to", "functional", "--no-verify")
    assert done.returncode == 0
    assert f"{source}:4: note: not converted: `base.layers[-1].output` reaches into a model" in (
        done.stderr.decode()
    )
