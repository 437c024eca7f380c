"""``kcg verify`` and ``kcg convert``'s verification, end to end.

The slow tests run the command in-process through one shared verification session, so TensorFlow is
imported once for the module; one test runs ``kcg verify`` as a real subprocess as well.
"""

from __future__ import annotations

import importlib.util
import json
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sample_cases import SAMPLES

from kcodegen import verify as verify_package
from kcodegen.cli import main
from kcodegen.commands import convert as convert_command
from kcodegen.convert import convert
from kcodegen.verify import conversion

needs_tf = pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None, reason="needs the tf extra"
)
MNIST_BINDS = ("--bind", "num_labels=10", "--bind", "image_size=28")
RELU_CONV = "self.conv2d_1 = Conv2D(filters=filters, kernel_size=kernel_size, activation='relu')"


def kcg(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def converted_sample(folder: Path, sample: str, style: str, *binds: str) -> tuple[Path, str]:
    """The sample's model.py (a copy in `folder`) and its conversion's text."""
    original = folder / "model.py"
    original.write_text((SAMPLES / sample / "model.py").read_text(encoding="utf-8"))
    bound = dict(b.split("=") for b in binds if b != "--bind")
    return original, convert(original.read_text(), style, binds=bound).output  # type: ignore[arg-type]


class SharedSession:
    """Stands in for the VerifySession class: every ``with VerifySession(...)`` gets one session."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.batches: list[int] = []

    def __call__(self, *args: object, **kwargs: object) -> SharedSession:
        return self

    def __enter__(self) -> SharedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def start(self) -> SharedSession:
        return self

    def verify(self, cases: Sequence[Any]) -> list[Any]:
        self.batches.append(len(cases))
        return self.session.verify(cases)


@pytest.fixture(scope="module")
def one_worker() -> Iterator[SharedSession]:
    with verify_package.VerifySession(timeout_per_case=120) as session:
        yield SharedSession(session)


@pytest.fixture
def shared(one_worker: SharedSession, monkeypatch: pytest.MonkeyPatch) -> SharedSession:
    monkeypatch.setattr(verify_package, "VerifySession", one_worker)
    monkeypatch.setattr(conversion, "VerifySession", one_worker)
    one_worker.batches.clear()
    return one_worker


# --- acceptance: change one activation in a converted file ---------------------------------


@pytest.mark.slow
@needs_tf
def test_functional_to_subclassing_names_the_changed_attribute(
    tmp_path: Path, shared: SharedSession
) -> None:
    original, output = converted_sample(tmp_path, "mnist_cnn_functional", "subclassing")
    unchanged = write(tmp_path, "converted.py", output)
    assert RELU_CONV in output
    changed = write(
        tmp_path, "changed.py", output.replace(RELU_CONV, RELU_CONV.replace("relu", "tanh"))
    )
    line = output.splitlines().index("        " + RELU_CONV) + 1

    same = kcg("verify", original, unchanged, *MNIST_BINDS)
    assert same.exit_code == 0, same.output
    assert same.stdout.splitlines()[-1] == "verified: 1 output, max abs diff 0"

    different = kcg("verify", original, changed, *MNIST_BINDS)
    assert different.exit_code == 1, different.output
    first = next(x for x in different.stdout.splitlines() if x.startswith("first differing layer"))
    assert first.startswith(
        f"first differing layer: Conv2D `conv2d_1` ({changed}:{line}, called at "
    )
    assert f"original Conv2D `y` ({original}:32)" in first
    assert different.stdout.splitlines()[-1].startswith("not equivalent: output 'output'")


@pytest.mark.slow
@needs_tf
def test_subclassing_to_functional_names_the_changed_variable(
    tmp_path: Path, shared: SharedSession
) -> None:
    original, output = converted_sample(tmp_path, "subclass_two_outputs", "functional")
    relu = 'x = tf.keras.layers.Dense(32, activation="relu")(x)'
    changed = write(tmp_path, "changed.py", output.replace(relu, relu.replace("relu", "tanh")))
    line = output.splitlines().index(relu) + 1

    result = kcg("verify", original, changed, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["verdict"] == "different"
    (model,) = document["models"]
    assert [o["problem"] is None for o in model["outputs"]] == [False, False]
    difference = model["first_difference"]
    assert difference["converted"] == {
        "cls": "Dense",
        "name": "x",
        "path": str(changed),
        "line": line,
        "call_line": line,
    }
    assert (difference["original"]["name"], difference["original"]["line"]) == ("hidden2", 10)


@pytest.mark.slow
@needs_tf
def test_models_pair_whatever_their_names_when_each_file_has_one(
    tmp_path: Path, shared: SharedSession
) -> None:
    functional = write(
        tmp_path,
        "a.py",
        """\
        import keras
        inputs = keras.Input((4,))
        model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
        """,
    )
    subclass = write(
        tmp_path,
        "b.py",
        """\
        import keras

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.out = keras.layers.Dense(2)

            def call(self, inputs):
                return self.out(inputs)

        net = Net()
        """,
    )
    result = kcg("verify", functional, subclass, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdict"] == "equivalent"


@pytest.mark.slow
@needs_tf
def test_a_model_that_raises_is_exit_2_at_its_line(tmp_path: Path, shared: SharedSession) -> None:
    good = write(
        tmp_path,
        "good.py",
        """\
        import keras
        inputs = keras.Input((4,))
        model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
        """,
    )
    bad = write(
        tmp_path,
        "bad.py",
        """\
        import keras
        inputs = keras.Input((4,))
        hidden = keras.layers.Dense(3)(inputs)
        model = keras.Model(inputs, keras.layers.Add()([inputs, hidden]))
        """,
    )
    result = kcg("verify", good, bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{bad}:4:29: ValueError while building the model: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
@needs_tf
def test_kcg_verify_as_a_subprocess(tmp_path: Path, run_kcg: Callable[..., Any]) -> None:
    original, output = converted_sample(tmp_path, "mnist_cnn_functional", "subclassing")
    changed = write(
        tmp_path, "changed.py", output.replace(RELU_CONV, RELU_CONV.replace("relu", "tanh"))
    )
    result = run_kcg("verify", original, changed, *MNIST_BINDS)
    assert result.returncode == 1, result.stderr.decode()
    assert b"first differing layer: Conv2D `conv2d_1`" in result.stdout
    assert result.stderr == b""


# --- kcg convert verifies by default ------------------------------------------------------------


@pytest.mark.slow
@needs_tf
def test_convert_verifies_every_model_of_a_file_in_one_batch(
    tmp_path: Path, shared: SharedSession
) -> None:
    two = write(
        tmp_path,
        "two.py",
        """\
        import keras
        a_in = keras.Input((4,))
        first = keras.Model(a_in, keras.layers.Dense(2)(a_in))
        b_in = keras.Input((3,))
        second = keras.Model(b_in, keras.layers.Dense(5, activation="relu")(b_in))
        """,
    )
    out = tmp_path / "out.py"
    result = kcg("convert", two, "--to", "subclassing", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{two}: `first`: verified: 1 output, max abs diff 0",
        f"{two}: `second`: verified: 1 output, max abs diff 0",
    ]
    assert shared.batches == [2]
    assert out.exists()


@pytest.mark.slow
@needs_tf
def test_convert_writes_nothing_when_the_conversion_computes_something_else(
    tmp_path: Path, shared: SharedSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(*args: Any, **kwargs: Any) -> Any:
        right = convert(*args, **kwargs)
        return type(right)(**{**vars(right), "output": right.output.replace("'relu'", "'tanh'", 1)})

    monkeypatch.setattr(convert_command, "convert", wrong)
    original, _ = converted_sample(tmp_path, "mnist_cnn_functional", "subclassing")
    out = tmp_path / "out.py"
    result = kcg("convert", original, "--to", "subclassing", "-o", out, *MNIST_BINDS)
    assert result.exit_code == 1
    assert not out.exists()
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{original}: `model`: the converted model computes something else; nothing written"
    )
    assert any(x.startswith("first differing layer: Conv2D `conv2d` (") for x in lines)


# --- cannot run: exit 2 before any model is built -------------------------------------------


def test_missing_tensorflow_is_exit_2_with_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = write(
        tmp_path, "m.py", "import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
    )
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "tensorflow" else real(name, *a),
    )
    result = kcg("verify", model, model)
    assert result.exit_code == 2
    assert result.stderr == (
        "kcg: cannot verify: TensorFlow is not installed; pip install 'kcodegen[tf]'\n"
    )


@needs_tf
def test_a_model_that_needs_data_names_the_variable_and_suggests_bind(tmp_path: Path) -> None:
    original = tmp_path / "model.py"
    original.write_text((SAMPLES / "mnist_cnn_functional" / "model.py").read_text())
    result = kcg("verify", original, original)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{original}:11: the model needs 'num_labels', which is computed from data; "
        "pass --bind num_labels=VALUE"
    )


def test_bad_input_is_exit_2_with_the_file_and_position(tmp_path: Path) -> None:
    good = write(
        tmp_path, "good.py", "import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
    )
    broken = write(tmp_path, "broken.py", "import keras\nmodel = (\n")
    assert kcg("verify", good, tmp_path / "missing.py").stderr == (
        f"{tmp_path / 'missing.py'}: no such file\n"
    )
    syntax = kcg("verify", good, broken)
    assert syntax.exit_code == 2 and syntax.stderr.startswith(f"{broken}:2:")
    unknown = kcg("verify", good, good, "--model", "nope")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith(f"{good}: no model named 'nope'")
    bad_range = kcg("verify", good, good, "--input-range", "3,1")
    assert bad_range.exit_code == 2 and "LOW < HIGH" in bad_range.stderr
