"""Running both models: equivalent, different, and failing cases.

Each slow test starts one worker, which imports TensorFlow (about 5 s), so they are few.
"""

from __future__ import annotations

import importlib.util
import subprocess
import textwrap

import pytest

from kcodegen.verify import (
    InputSignature,
    NeedsData,
    Source,
    VerifyError,
    VerifyUnavailable,
    verify_sources,
)

FUNCTIONAL = """\
    import keras
    from keras import layers

    inputs = {"a": keras.Input((3,), name="a"), "b": keras.Input((2,), name="b")}
    merged = layers.concatenate([inputs["a"], inputs["b"]])
    hidden = layers.Dense(8, activation="relu")(merged)
    model = keras.Model(
        inputs,
        {"score": layers.Dense(1, activation="sigmoid")(hidden), "label": layers.Dense(4)(hidden)},
    )
    model.compile("adam")
"""

SUBCLASS = """\
    import keras
    from keras import layers


    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.label = layers.Dense(4)  # Functional orders dict outputs by key: label, score
            self.score = layers.Dense(1, activation="sigmoid")

        def call(self, inputs):
            merged = layers.concatenate([inputs["a"], inputs["b"]])
            hidden = self.hidden(merged)
            return {"score": self.score(hidden), "label": self.label(hidden)}


    model = Net()
"""

DICT_INPUTS = [InputSignature("a", (3,)), InputSignature("b", (2,))]
needs_tf = pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None, reason="needs the tf extra"
)


def source(text: str, path: str, **binds: str) -> Source:
    return Source(textwrap.dedent(text), path=path, binds=binds)


@pytest.mark.slow
@needs_tf
def test_functional_and_hand_written_subclass_are_equivalent() -> None:
    report = verify_sources(
        source(FUNCTIONAL, "functional.py"), source(SUBCLASS, "subclass.py"), DICT_INPUTS, "dict"
    )
    assert report.equivalent, report.details()
    assert report.original_weights == ((5, 8), (8,), (8, 4), (4,), (8, 1), (1,))
    assert [o.name for o in report.outputs] == ["label", "score"]
    assert report.summary().startswith("verified: 2 outputs, max abs diff ")
    assert report.details().splitlines()[0] == "weights: 6 arrays, shapes match, copied"


@pytest.mark.slow
@needs_tf
def test_changed_activation_is_not_equivalent() -> None:
    changed = SUBCLASS.replace('Dense(1, activation="sigmoid")', 'Dense(1, activation="tanh")')
    report = verify_sources(
        source(FUNCTIONAL, "functional.py"), source(changed, "subclass.py"), DICT_INPUTS, "dict"
    )
    assert not report.equivalent
    label, score = report.outputs
    assert label.ok and not score.ok
    assert report.summary().startswith("not equivalent: output 'score': values differ")


@pytest.mark.slow
@needs_tf
def test_weight_shape_mismatch_is_not_equivalent() -> None:
    wider = SUBCLASS.replace("Dense(8,", "Dense(16,")
    report = verify_sources(
        source(FUNCTIONAL, "functional.py"), source(wider, "subclass.py"), DICT_INPUTS, "dict"
    )
    assert not report.equivalent and report.outputs == ()
    assert report.summary() == (
        "not equivalent: weight shapes differ, original has 6 arrays, converted 6; "
        "first difference at #0: (5, 8) vs (5, 16)"
    )


@pytest.mark.slow
@needs_tf
def test_broken_model_reports_the_user_file_and_line() -> None:
    broken = """\
        import keras

        SIZE = n_features * 2
        inputs = keras.Input((SIZE,))
        hidden = keras.layers.Dense(4)(inputs)
        model = keras.Model(inputs, keras.layers.Add()([inputs, hidden]))
    """
    working = broken.replace("Add()([inputs, hidden])", "Dense(2)(hidden)")
    report = verify_sources(
        source(working, "working.py", n_features="3"),
        source(broken, "broken.py", n_features="3"),
        [InputSignature(None, (6,))],
        "single",
    )
    assert not report.equivalent
    assert report.error is not None
    assert report.error.startswith("broken.py:6: ValueError while building the model: ")


def test_needs_data_is_raised_before_any_process_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess, "run", pytest.fail)
    from_data = """\
        import keras, pandas as pd
        n = len(pd.read_csv("d.csv"))
        model = keras.Sequential([keras.layers.Dense(n)])
    """
    with pytest.raises(NeedsData, match=r"^data.py:2: the model needs 'n'"):
        verify_sources(
            source(FUNCTIONAL, "f.py"), source(from_data, "data.py"), DICT_INPUTS, "dict"
        )


def test_without_tensorflow_verification_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(VerifyUnavailable, match=r"pip install 'kcodegen\[tf\]'"):
        verify_sources(source(FUNCTIONAL, "a.py"), source(SUBCLASS, "b.py"), DICT_INPUTS, "dict")


def test_worker_crash_is_a_verify_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    crashed = subprocess.CompletedProcess([], 1, stdout="", stderr="Traceback ...\nMemoryError")
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: crashed)
    with pytest.raises(
        VerifyError, match=r"worker failed \(exit code 1\):\nTraceback ...\nMemoryError"
    ):
        verify_sources(source(FUNCTIONAL, "a.py"), source(SUBCLASS, "b.py"), DICT_INPUTS, "dict")


def test_timeout_is_a_verify_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())

    def too_slow(*args: object, timeout: float, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("worker", timeout)

    monkeypatch.setattr(subprocess, "run", too_slow)
    with pytest.raises(VerifyError, match=r"timed out after 7 s"):
        verify_sources(
            source(FUNCTIONAL, "a.py"), source(SUBCLASS, "b.py"), DICT_INPUTS, "dict", timeout=7
        )


@pytest.mark.slow
@needs_tf
def test_compare_checks_structure_and_nonfinite_positions() -> None:
    np = pytest.importorskip("numpy")
    worker = pytest.importorskip("kcodegen.verify.worker")
    a = np.array([[1.0, np.nan, np.inf]], dtype="float32")
    nan_moved = worker.compare({"x": a}, {"x": a[:, ::-1]}, atol=1e-5, rtol=1e-5)
    assert nan_moved[0]["problem"] == "NaN or Inf at different positions"
    same = worker.compare([a, a], [a, a + 1e-7], atol=1e-5, rtol=1e-5)
    assert [c["name"] for c in same] == ["0", "1"] and all(c["problem"] is None for c in same)
    renamed = worker.compare({"x": a}, {"y": a}, atol=1e-5, rtol=1e-5)
    assert renamed[0]["problem"] == "the converted model names this output 'y'"
    extra = worker.compare(a, [a, a], atol=1e-5, rtol=1e-5)
    assert [c["problem"] for c in extra][1] == "the original model has no such output"
