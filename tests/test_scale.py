"""A 10,000-layer model is not bad input: every static command finishes on it and gets it right.

No timing is asserted here (``bench/scale.py`` measures speed); these tests fail on a recursion
whose depth grows with the model, on a refusal or a wrong result. Conversions run in-process, under
the default recursion limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner
from preservation import assert_preserved

from kcodegen.cli import main
from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.frontend.interpreter import Interpreter

LAYERS = 10_000
HEADER = "import keras\nfrom keras import layers\n\n"
TAIL = "model.compile(loss='mse')\nprint(model.count_params())\n"


def _chain() -> str:
    body = "".join("x = layers.Dense(8)(x)\n" for _ in range(LAYERS))
    return (
        f"{HEADER}inputs = keras.Input(shape=(12,))\nx = inputs\n{body}"
        f"model = keras.Model(inputs, x)\n{TAIL}"
    )


def _residual() -> str:
    block = "y = layers.Dense(12)(x)\nx = layers.Add()([x, y])\n"
    return (
        f"{HEADER}inputs = keras.Input(shape=(12,))\nx = inputs\n{block * (LAYERS // 2)}"
        f"model = keras.Model(inputs, x)\n{TAIL}"
    )


def _sequential() -> str:
    entries = "".join("    layers.Dense(8),\n" for _ in range(LAYERS))
    return f"{HEADER}model = keras.Sequential([\n    keras.Input(shape=(12,)),\n{entries}])\n{TAIL}"


pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 1000 + 100, "a raised limit would hide deep recursion"


@pytest.mark.parametrize(
    ("shape", "to"),
    [
        ("chain", "sequential"),
        ("chain", "subclassing"),
        ("residual", "subclassing"),
        ("sequential", "functional"),
    ],
)
def test_converts_and_reads_back_with_every_layer(shape: str, to: str) -> None:
    source = {"chain": _chain, "residual": _residual, "sequential": _sequential}[shape]()
    conversion = convert(source, to)  # type: ignore[arg-type]
    assert conversion.converted == ("model",), conversion.refusals
    assert_preserved(conversion)
    (back,) = parse_models(conversion.output).models
    assert back.style == to
    assert len(back.layers) == LAYERS


def test_a_loop_of_every_layer_stays_a_loop_and_its_shape_is_known_after_it() -> None:
    """The loop is unrolled to follow it, kept as a loop in the output, and ``x.shape`` after it is
    worked out through every pass."""
    source = (
        f"{HEADER}inputs = keras.Input(shape=(12,))\nx = inputs\n"
        f"for _ in range({LAYERS}):\n    x = layers.Dense(8)(x)\n"
        "if x.shape[-1] == 8:\n    x = layers.Dense(2)(x)\n"
        f"model = keras.Model(inputs, x)\n{TAIL}"
    )
    conversion = convert(source, "subclassing")
    assert conversion.converted == ("model",), conversion.refusals
    assert f"for _ in range({LAYERS})" in conversion.output  # a list of layers, made in a loop
    assert "layers.Dense(2)" in conversion.output  # the shape test was decided: True
    (back,) = parse_models(conversion.output).models
    assert len(back.layers) == LAYERS + 1


def test_a_residual_chain_is_refused_as_sequential_at_its_first_merge() -> None:
    conversion = convert(_residual(), "sequential")
    assert not conversion.converted
    lines = [reason.line for refusal in conversion.refusals for reason in refusal.reasons]
    first_add = _residual().splitlines().index("x = layers.Add()([x, y])") + 1
    assert first_add in lines


@pytest.mark.parametrize("command", ["analyze", "graph", "lint"])
def test_static_commands_finish(tmp_path: Path, command: str) -> None:
    path = tmp_path / "residual.py"
    path.write_text(_residual(), encoding="utf-8")
    result = CliRunner().invoke(main, [command, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    if command == "analyze":
        assert f"{LAYERS}" in result.output or f"{LAYERS:,}" in result.output


BRANCHES = 1_000  # Python's own compiler stops between 1,500 and 3,000 terms


def _sum_of_branches() -> str:
    """Every branch's output added in one expression, which libcst and ``ast`` nest a level a
    term: ``t0 + t1 + ... + t999``."""
    branches = "".join(f"t{i} = layers.Dense(4)(inputs)\n" for i in range(BRANCHES))
    total = " + ".join(f"t{i}" for i in range(BRANCHES))
    return (
        f"{HEADER}inputs = keras.Input(shape=(4,))\n{branches}total = {total}\n"
        f"model = keras.Model(inputs, total)\n{TAIL}"
    )


def test_a_sum_of_a_thousand_branches_converts_with_every_term() -> None:
    conversion = convert(_sum_of_branches(), "subclassing")
    assert conversion.converted == ("model",), conversion.refusals
    assert conversion.output.startswith(HEADER) and conversion.output.endswith(TAIL)
    assert " + ".join(f"t{i}" for i in range(BRANCHES)) in conversion.output
    assert conversion.output.count("layers.Dense(4)") == BRANCHES


@pytest.mark.parametrize("command", ["analyze", "graph", "lint"])
def test_static_commands_finish_on_a_sum_of_a_thousand_branches(
    tmp_path: Path, command: str
) -> None:
    path = tmp_path / "branches.py"
    path.write_text(_sum_of_branches(), encoding="utf-8")
    result = CliRunner().invoke(main, [command, str(path)])
    assert result.exit_code in (0, 1) and "internal error" not in result.output, result.output


def test_a_sum_too_deep_inside_a_class_is_refused_at_its_line(tmp_path: Path) -> None:
    """Read back inside ``call()``, the sum is deeper than libcst's recursive code follows: the
    conversion is refused at the sum's line, and verification says it cannot read the model back
    instead of crashing. Nothing is written."""
    subclassed = convert(_sum_of_branches(), "subclassing").output
    line = next(n for n, text in enumerate(subclassed.splitlines(), 1) if "t0 + t1 +" in text)

    back = convert(subclassed, "functional")

    assert not back.converted
    reasons = [reason for refusal in back.refusals for reason in refusal.reasons]
    assert any(r.line == line and "nests" in r.message for r in reasons), reasons

    path, out = tmp_path / "branches.py", tmp_path / "out.py"
    path.write_text(_sum_of_branches(), encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(path), "--to", "subclassing", "-o", str(out)])
    assert "internal error" not in result.output and "cannot read `model` back" in result.output
    assert result.exit_code != 0 and not out.exists()


def test_nested_layer_calls_build_each_layer_once() -> None:
    """``Dense(4)(Dense(4)(...(inputs)))``: each call's argument is evaluated once. Evaluated
    again for the layer call, the layers under it were built twice a level: 2**40 here."""
    nested = "inputs"
    for _ in range(40):
        nested = f"layers.Dense(4)({nested})"
    source = f"{HEADER}inputs = keras.Input(shape=(4,))\nmodel = keras.Model(inputs, {nested})\n"
    interpreter = Interpreter(cst.parse_module(source), source, {})
    interpreter.run()
    assert len(interpreter.builder.layers) == 40

    conversion = convert(source, "subclassing")
    assert conversion.converted == ("model",), conversion.refusals
    assert conversion.output.count("layers.Dense(4)") == 40
