"""Run verification cases in one long-lived worker process, so TensorFlow is imported once.

API (stable: the property tests build on it)::

    from kcodegen.verify import ModelSource, VerifyCase, VerifySession, verify_batch, verify_saved

    case = VerifyCase(
        ModelSource(original_text, original_graph, path="a.py"),  # graph: parse_models(text).models[i]
        ModelSource(converted_text, converted_graph, path="b.py"),
    )  # optional: input_shapes, input_ranges, atol, rtol (1e-5), seed
    with VerifySession(timeout_per_case=60) as session:  # the worker starts on first use
        results = session.verify([case, ...])  # one result per case, in order
    results = verify_batch(cases, timeout=60)  # the same, with a session of its own
    case = case_from_texts(original_text, converted_text)  # parses both, pairs the models
    result = verify_saved("model.keras", generated_text, path="model.py", session=session)

Each result is a ``VerifyReport`` (both models ran: ``.equivalent``, ``.summary()``, ``.details()``,
``.outputs``, ``.first_difference``) or a ``VerifyFailure`` (no verdict: ``.kind`` is one of
``report.FAILURE_KINDS``, ``.message`` starts with ``path:line:col:`` when known). Cases are isolated:
the worker clears the Keras session between them, a case whose code raises becomes a failure, and a
case that hangs or kills the worker becomes a failure while the session starts a new worker for the
next case. Without TensorFlow, ``verify`` raises ``VerifyUnavailable``.

Slicing, the input signature and the layer correspondence are computed here, before a case is
sent, so a model that needs data or an input shape fails fast with a precise message.
"""

from __future__ import annotations

import ast
import collections
import importlib.util
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from kcodegen.frontend.python_ast import parsed
from kcodegen.ir import ModelGraph
from kcodegen.verify.correspondence import correspond
from kcodegen.verify.plan import model_plan
from kcodegen.verify.report import VerifyFailure, VerifyReport, VerifyResult
from kcodegen.verify.signature import InputError, Range, input_names, input_signature
from kcodegen.verify.slice import NeedsData, SliceError, model_slice

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # so the worker imports this very kcodegen
_STDERR_LINES = 15  # of the worker's stderr, kept to explain a crash
WORKER_ARGS = ("-m", "kcodegen.verify.worker")  # after the interpreter; tests put a stand-in here


class VerifyUnavailable(RuntimeError):
    """Verification needs TensorFlow, which the light core install does not bring."""


@dataclass(frozen=True)
class ModelSource:
    """One side of a case: a whole module, the model in it, and what its data-dependent names are."""

    text: str
    graph: ModelGraph  # as parse_models(text) gives it
    path: str = "<string>"
    binds: Mapping[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The expression that yields the model at module level: its variable, or the first call
        in the module that runs its builder (the one the IR was read from: ``DenseNet121(...)``,
        which calls ``DenseNet``), else the builder with no arguments."""
        site = self.graph.site
        if not site.function:
            return site.binding or self.graph.name
        return _first_call(self.text, site.function) or f"{site.function}()"


@dataclass(frozen=True)
class VerifyCase:
    original: ModelSource
    converted: ModelSource
    input_shapes: Mapping[str, tuple[int | None, ...]] = field(default_factory=dict)
    input_ranges: Mapping[str | None, Range] = field(default_factory=dict)  # None: every input
    atol: float = 1e-5
    rtol: float = 1e-5
    seed: int = 0
    # Trained weights for the original (what its load_weights reads), and where to save them for
    # the converted model, by the layer correspondence, when the two compute the same.
    weights: str | None = None
    weights_out: str | None = None
    # Keras settings both models are built under (``image_data_format``), as the conversion took
    settings: Mapping[str, object] = field(default_factory=dict)


def _first_call(text: str, function: str) -> str | None:
    """The source of the first call made by module-level code (not under ``if __name__ ==
    "__main__":``, whose names the slice cannot use) that runs ``function``: a call of it, or of a
    module-level function that calls it, directly or through others."""
    tree = parsed(text)
    if tree is None:
        return None
    runs = _functions_running(tree, function)
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.If):
            continue
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in runs
            ):
                return ast.get_source_segment(text, node)
    return None


def _functions_running(tree: ast.Module, function: str) -> set[str]:
    """``function`` and the module-level functions whose bodies call it, however indirectly."""
    callers: dict[str, set[str]] = collections.defaultdict(set)  # callee -> its callers
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    callers[node.func.id].add(statement.name)
    found = {function}
    pending = [function]
    while pending:
        for caller in callers[pending.pop()] - found:
            found.add(caller)
            pending.append(caller)
    return found


def require_tensorflow() -> None:
    if importlib.util.find_spec("tensorflow") is None:
        raise VerifyUnavailable("TensorFlow is not installed; pip install 'kcodegen[tf]'")


def verify_batch(cases: Sequence[VerifyCase], *, timeout: float = 120) -> list[VerifyResult]:
    """Verify every case in one worker process; ``timeout`` is per case."""
    with VerifySession(timeout_per_case=timeout) as session:
        return session.verify(cases)


class VerifySession:
    """A worker process kept across calls; restarted when it dies or a case times out."""

    def __init__(self, timeout_per_case: float = 120, *, startup_timeout: float = 300) -> None:
        self.timeout_per_case = timeout_per_case
        self.startup_timeout = startup_timeout
        self._worker: _Worker | None = None

    def start(self) -> VerifySession:
        """Start the worker now, without waiting for it: it imports TensorFlow while the caller
        does the static work. Idempotent; does nothing without TensorFlow."""
        if self._worker is None and importlib.util.find_spec("tensorflow") is not None:
            self._worker = _Worker.launch()
        return self

    def __enter__(self) -> VerifySession:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def verify(self, cases: Sequence[VerifyCase]) -> list[VerifyResult]:
        require_tensorflow()
        return [self._verify_one(case) for case in cases]

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def _verify_one(self, case: VerifyCase) -> VerifyResult:
        try:
            request = prepare(case)
        except NeedsData as error:
            return VerifyFailure("needs-data", str(error))
        except SliceError as error:
            return VerifyFailure("slice", str(error))
        except InputError as error:
            return VerifyFailure("input", f"{case.original.path}: {error}")
        return self.send(request)

    def send(self, request: dict[str, Any]) -> VerifyResult:
        """Run one prepared request (``prepare``'s, or another kind the worker knows) in the
        worker, started if need be; ``atol`` and ``rtol`` come with it."""
        require_tensorflow()
        try:
            if self._worker is None:
                self._worker = _Worker.launch()
            self._worker.wait_ready(self.startup_timeout)
            answer = self._worker.ask(request, self.timeout_per_case)
        except _WorkerGone as gone:
            self.close()
            return VerifyFailure(gone.kind, gone.message)
        if "failure" in answer:
            return VerifyFailure(answer["failure"]["kind"], answer["failure"]["message"])
        return VerifyReport.from_dict(answer["report"], atol=request["atol"], rtol=request["rtol"])


def prepare(case: VerifyCase) -> dict[str, Any]:
    """The JSON request for one case. Raises NeedsData, SliceError or InputError."""
    ours, theirs = case.original, case.converted
    sides = {"original": _side(ours), "converted": _side(theirs)}  # data needs are named first
    signature, structure = input_signature(
        ours.graph, theirs.graph, input_shapes=case.input_shapes, input_ranges=case.input_ranges
    )
    pairs = correspond(ours.graph, theirs.graph)
    return {
        **sides,
        "signature": [asdict(spec) for spec in signature],
        "structure": structure,
        "names": input_names(ours.graph),
        "pairs": {
            "layers": pairs.layers,
            "nodes": pairs.nodes,
            "notes": pairs.notes,
        },
        "atol": case.atol,
        "rtol": case.rtol,
        "seed": case.seed,
        "settings": dict(case.settings),
        "weights": None if case.weights is None else os.path.abspath(case.weights),
        "weights_out": None if case.weights_out is None else os.path.abspath(case.weights_out),
    }


def _side(source: ModelSource) -> dict[str, Any]:
    text = model_slice(source.text, source.target, source.binds, source.path)
    return {"source": text, "path": source.path, "plan": model_plan(source.graph)}


class _WorkerGone(Exception):
    """The worker timed out or died; the session stops it and starts another for the next case."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class _Worker:
    """One ``python -m kcodegen.verify.worker`` process and the threads that read its pipes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.ready = False
        self.answers: queue.Queue[str | None] = queue.Queue()
        self.stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        threading.Thread(target=self._read_answers, daemon=True).start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    @classmethod
    def launch(cls) -> _Worker:
        """The process, started; it says it is ready once TensorFlow is imported."""
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(_PACKAGE_ROOT), env.get("PYTHONPATH")])
        )
        process = subprocess.Popen(
            [sys.executable, *WORKER_ARGS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        return cls(process)

    def wait_ready(self, timeout: float) -> None:
        if not self.ready:
            self._receive(timeout, "starting the verification worker (importing TensorFlow)")
            self.ready = True

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except OSError:
            raise self._died() from None
        return self._receive(timeout, "building and running both models")

    def stop(self) -> None:
        """End the worker. It keeps nothing between answers (weights are saved before it answers),
        so it is killed rather than left to unload TensorFlow."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _receive(self, timeout: float, doing: str) -> dict[str, Any]:
        try:
            line = self.answers.get(timeout=timeout)
        except queue.Empty:
            self.process.kill()
            raise _WorkerGone(
                "timeout", f"verification timed out after {timeout:g} s while {doing}"
            ) from None
        if line is None:
            raise self._died()
        return json.loads(line)

    def _died(self) -> _WorkerGone:
        code = self.process.wait()
        self._stderr_reader.join(timeout=5)
        tail = "\n".join(self.stderr)
        return _WorkerGone("crash", f"the verification worker died (exit code {code}):\n{tail}")

    def _read_answers(self) -> None:
        """Answers are JSON objects, one per line; anything else (a library printing while it is
        imported) joins the stderr tail."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.answers.put(line)
            else:
                self.stderr.append(line.rstrip("\n"))
        self.answers.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.rstrip("\n"))
