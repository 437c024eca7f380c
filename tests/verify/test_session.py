"""The session's process handling, with a stand-in worker that speaks the protocol without Keras:
one process for many cases, a new one after a timeout or a crash, failures that need no process."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

from kcodegen.frontend import parse_models
from kcodegen.verify import (
    ModelSource,
    VerifyCase,
    VerifyFailure,
    VerifyReport,
    VerifySession,
    VerifyUnavailable,
    runner,
    verify_batch,
)

STAND_IN = """\
import json, os, sys, time
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    path = json.loads(line)["converted"]["path"]
    if path == "hang.py":
        time.sleep(60)
    if path == "die.py":
        print("boom", file=sys.stderr, flush=True)
        sys.exit(3)
    output = {"name": str(os.getpid()), "shape": [1], "converted_shape": [1], "dtype": "float32",
              "converted_dtype": "float32", "max_abs": 0.0, "max_rel": 0.0,
              "nonfinite_mismatches": 0, "problem": None}
    report = {"outputs": [output], "weight_problems": [], "copied": 2, "first_difference": None}
    print(json.dumps({"report": report}), flush=True)
"""

MODEL = textwrap.dedent("""\
    import keras
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
""")
(GRAPH,) = parse_models(MODEL).models


def case(path: str = "b.py", text: str = MODEL) -> VerifyCase:
    (graph,) = parse_models(text).models
    return VerifyCase(ModelSource(MODEL, GRAPH, "a.py"), ModelSource(text, graph, path))


@pytest.fixture(autouse=True)
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    monkeypatch.setattr(runner, "WORKER_ARGS", (str(script),))
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: object() if name == "tensorflow" else real(name, *a),
    )


def worker_pid(result: object) -> str:
    assert isinstance(result, VerifyReport), result
    return result.outputs[0].name


def test_one_worker_answers_every_case_in_order() -> None:
    results = verify_batch([case(), case(), case()])
    assert len({worker_pid(result) for result in results}) == 1
    assert all(result.equivalent for result in results)


def test_a_case_that_hangs_times_out_and_the_next_case_gets_a_new_worker() -> None:
    with VerifySession(timeout_per_case=1) as session:
        before, hung, after = session.verify([case(), case("hang.py"), case()])
    assert isinstance(hung, VerifyFailure) and hung.kind == "timeout"
    assert hung.message == (
        "verification timed out after 1 s while building and running both models"
    )
    assert worker_pid(before) != worker_pid(after)


def test_a_worker_that_dies_is_a_crash_with_its_last_words() -> None:
    with VerifySession() as session:
        (died,) = session.verify([case("die.py")])
        (after,) = session.verify([case()])  # the same session, one call later
    assert isinstance(died, VerifyFailure) and died.kind == "crash"
    assert died.message == "the verification worker died (exit code 3):\nboom"
    assert after.equivalent


def test_a_model_that_needs_data_fails_before_any_worker_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "WORKER_ARGS", ("-c", "raise SystemExit('must not start')"))
    from_data = MODEL.replace("(3,)", "(n,)").replace(
        "import keras\n", "import keras\nimport numpy as np\nn = np.load('x.npy').shape[1]\n"
    )
    with VerifySession() as session:
        (result,) = session.verify([case("data.py", from_data)])
        assert session._worker is None
    assert isinstance(result, VerifyFailure) and result.kind == "needs-data"
    assert result.message.startswith("data.py:3: the model needs 'n'")
    assert "--bind n=VALUE" in result.message


def test_without_tensorflow_verification_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(VerifyUnavailable, match=r"pip install 'kcodegen\[tf\]'"):
        verify_batch([case()])
