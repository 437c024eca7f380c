"""Subprocess that runs verification cases: build both models, copy weights, compare outputs.

Runs as ``python -m kcodegen.verify.worker``. It imports Keras once, says ``{"ready": true}``, then
reads one JSON request per line on stdin and answers each with one JSON line on stdout:
``{"report": ...}`` or ``{"failure": {"kind": ..., "message": ...}}``. Whatever user code prints
goes to stderr, so it cannot corrupt the answers. Each case starts from a clear Keras session and
default settings, and leaves ``sys.path``, ``sys.modules`` and Keras's registered classes as it
found them. A request with ``"kind": "saved"`` is a module generated from a saved model, against
that model (``saved_case.py``).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["KERAS_BACKEND"] = "tensorflow"

import keras
import numpy as np

from kcodegen.verify.compare import compare_arrays, compare_outputs, flatten, no_output
from kcodegen.verify.execution import Failed, error_text, fresh_keras, guard, save_weights, to_numpy
from kcodegen.verify.feed import make_inputs
from kcodegen.verify.locate import Located, locate
from kcodegen.verify.report import BY_NAME
from kcodegen.verify.saved_case import SavedCase, saved_folders
from kcodegen.verify.slice import TARGET_NAME
from kcodegen.verify.transfer import copy_weights

ROLES = ("original", "converted")


def main() -> None:
    answers = _claim_stdout()
    _answer(answers, {"ready": True})
    for line in sys.stdin:
        if line.strip():
            _answer(answers, run_case(json.loads(line)))


def _claim_stdout() -> TextIO:
    """Keep the real stdout for answers; point fd 1 and sys.stdout at stderr for everything else."""
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return answers


def _answer(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def run_case(request: dict[str, Any]) -> dict[str, Any]:
    try:
        if request.get("kind") == "saved":  # a generated module against its saved model
            with _isolated(saved_folders(request)):
                return {"report": SavedCase(request).run()}
        with _isolated(_folders(request)):
            return {"report": _Case(request).run()}
    except Failed as failure:
        return {"failure": {"kind": failure.kind, "message": failure.message}}
    except Exception as error:  # a bug of ours must not take the other cases down
        where = traceback.extract_tb(error.__traceback__)[-1]
        message = f"internal error in the verification worker: {type(error).__name__}: {error} "
        return {
            "failure": {"kind": "crash", "message": f"{message}({where.filename}:{where.lineno})"}
        }


def _folders(request: dict[str, Any]) -> set[str]:
    """The folders of both modules, where the user's own imports are found."""
    return {
        str(Path(request[role]["path"]).parent.resolve())
        for role in ROLES
        if Path(request[role]["path"]).parent.is_dir()
    }


@contextmanager
def _isolated(folders: set[str]) -> Iterator[None]:
    """The user's folders on sys.path for the case; their modules, and the classes they
    registered with Keras (``register_keras_serializable``), forgotten after it: a saved model
    must not load in one case because an earlier case's module named its class."""
    path_before, modules_before = list(sys.path), set(sys.modules)
    registered = keras.saving.get_custom_objects()
    registered_before = dict(registered)
    sys.path[:0] = sorted(folders)
    try:
        yield
    finally:
        sys.path[:] = path_before
        for name in set(sys.modules) - modules_before:
            if _under(getattr(sys.modules[name], "__file__", None), folders):
                del sys.modules[name]
        registered.clear()
        registered.update(registered_before)


def _under(file: str | None, folders: set[str]) -> bool:
    return file is not None and str(Path(file).resolve().parent) in folders


class _Case:
    def __init__(self, request: dict[str, Any]) -> None:
        self.request = request
        self.atol, self.rtol = request["atol"], request["rtol"]

    def run(self) -> dict[str, Any]:
        request = self.request
        keras.utils.set_random_seed(request["seed"])
        original, namespace = self._build("original")
        rng = np.random.default_rng(request["seed"])
        inputs = make_inputs(request["signature"], request["structure"], rng, namespace)
        self._call("original", original, inputs, "building")
        if request["weights"] is not None:
            path = request["weights"]
            guard(path, "weights", "loading trained weights into", original.load_weights, path)
        converted, converted_namespace = self._build("converted")
        self._call("converted", converted, inputs, "building")
        found = {
            "original": locate(original, request["original"]["plan"], namespace),
            "converted": locate(converted, request["converted"]["plan"], converted_namespace),
        }
        pairs = request["pairs"]
        notes = pairs["notes"]
        transfer = copy_weights(
            pairs["layers"],
            found["original"],
            found["converted"],
            self._describe,
            f" (the structures differ: {notes[0]})" if notes else "",
        )
        report: dict[str, Any] = {
            "outputs": [],
            "weight_problems": transfer.problems,
            "copied": transfer.copied,
            "first_difference": None,
        }
        if transfer.problems:
            return report
        results = {}
        for role, model in (("original", original), ("converted", converted)):
            with found[role].recording():
                results[role] = self._call(role, model, inputs, "running")
        report["outputs"] = compare_outputs(
            to_numpy(results["original"]),
            to_numpy(results["converted"]),
            atol=self.atol,
            rtol=self.rtol,
        )
        if request["names"] is not None:
            by_name = dict(zip(request["names"], inputs, strict=True))
            report["outputs"] += self._by_name(original, converted, by_name)
        if any(output["problem"] for output in report["outputs"]):
            report["first_difference"] = self._first_difference(found, inputs)
        elif request["weights_out"] is not None and report["outputs"]:
            report["weights_written"] = save_weights(converted, request["weights_out"])
        return report

    def _build(self, role: str) -> tuple[Any, dict[str, Any]]:
        """Execute a slice in a fresh namespace; its model and the namespace."""
        source = self.request[role]
        fresh_keras(self.request["settings"])  # names and config the other slice set: gone
        namespace: dict[str, Any] = {"__name__": "__kcg_slice__", "__file__": source["path"]}
        code = compile(source["source"], source["path"], "exec")  # the slicer checked the syntax
        guard(source["path"], "build", "building", exec, code, namespace)
        model = namespace[TARGET_NAME]
        if not isinstance(model, keras.Model):
            raise Failed(
                "build",
                f"{source['path']}: the model expression gave {type(model).__name__}, "
                "not a keras.Model",
            )
        return model, namespace

    def _by_name(self, original: Any, converted: Any, by_name: dict[str, Any]) -> list[Any]:
        """The same inputs as a dict keyed by the inputs' names, as the original also accepts
        them: the converted model must accept them too, and compute the same."""
        try:
            expected = original(by_name, training=False)
        except Exception:
            return []  # the original does not take them so: nothing to hold the converted to
        names = ", ".join(by_name)
        try:
            got = converted(by_name, training=False)
        except Exception as exc:
            message = " ".join(error_text(exc).split())
            problem = (
                f"the original accepts its inputs as a dict keyed by name ({names}), the "
                f"converted model does not: {type(exc).__name__}: {message}"
            )
            return [no_output(f"{BY_NAME}inputs", problem)]
        compared = compare_outputs(
            to_numpy(expected), to_numpy(got), atol=self.atol, rtol=self.rtol
        )
        return [{**output, "name": f"{BY_NAME}{output['name']}"} for output in compared]

    def _call(self, role: str, model: Any, inputs: Any, doing: str) -> Any:
        # A subclassed model creates its weights on its first call, even after `model.build(shape)`.
        kind = "build" if doing == "building" else "run"
        path = self.request[role]["path"]
        return guard(path, kind, doing, model, inputs, training=False)

    def _first_difference(self, found: dict[str, Located], inputs: Any) -> dict[str, Any] | None:
        """The first paired call, in the original's order, whose outputs differ beyond tolerance.

        Only a hint next to the verdict, so a model that cannot give its intermediate outputs
        (one of them raises) goes without it.
        """
        try:
            values = {role: found[role].call_outputs(inputs) for role in ROLES}
        except Exception:
            return None
        for ours, theirs in self.request["pairs"]["nodes"]:
            if ours not in values["original"] or theirs not in values["converted"]:
                continue
            a = [array for _, array in flatten(to_numpy(values["original"][ours]))]
            b = [array for _, array in flatten(to_numpy(values["converted"][theirs]))]
            if len(a) != len(b):
                problem, max_abs = f"{len(a)} outputs vs {len(b)}", None
            else:
                compared = [
                    compare_arrays(x, y, atol=self.atol, rtol=self.rtol)
                    for x, y in zip(a, b, strict=True)
                ]
                differing = [c for c in compared if c["problem"]]
                if not differing:
                    continue
                problem, max_abs = differing[0]["problem"], differing[0]["max_abs"]
            return {
                "original": self._ref("original", ours),
                "converted": self._ref("converted", theirs),
                "max_abs": max_abs,
                "problem": problem,
            }
        return None

    def _ref(self, role: str, node_id: str) -> dict[str, Any]:
        plan = self.request[role]["plan"]
        layer_id = plan["calls"][node_id][0]
        return {
            **plan["labels"][layer_id],
            "path": self.request[role]["path"],
            "call_line": plan["call_lines"][node_id],
        }

    def _describe(self, role: str, layer_id: str) -> str:
        label = self.request[role]["plan"]["labels"][layer_id]
        named = f" `{label['name']}`" if label["name"] else ""
        return f"{label['cls']}{named} ({self.request[role]['path']}:{label['line']})"


if __name__ == "__main__":
    main()
