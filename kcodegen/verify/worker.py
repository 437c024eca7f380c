"""Subprocess that runs verification cases: build both models, copy weights, compare outputs.

Runs as ``python -m kcodegen.verify.worker``. It imports Keras once, says ``{"ready": true}``, then
reads one JSON request per line on stdin and answers each with one JSON line on stdout:
``{"report": ...}`` or ``{"failure": {"kind": ..., "message": ...}}``. Whatever user code prints
goes to stderr, so it cannot corrupt the answers. Each case starts from a clear Keras session and
default settings, and leaves ``sys.path`` and ``sys.modules`` as it found them.
"""

from __future__ import annotations

import json
import os
import re
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
from kcodegen.verify.feed import make_inputs
from kcodegen.verify.locate import Located, locate
from kcodegen.verify.report import BY_NAME
from kcodegen.verify.slice import TARGET_NAME
from kcodegen.verify.transfer import copy_weights

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
ROLES = ("original", "converted")
# Global Keras settings a slice may change (the slicer keeps `set_floatx` and the like); each slice
# starts from the defaults so the original's settings never leak into the converted model.
_CONFIG_DEFAULTS = {
    "set_floatx": keras.config.floatx(),
    "set_epsilon": keras.config.epsilon(),
    "set_image_data_format": keras.config.image_data_format(),
    "set_dtype_policy": keras.config.dtype_policy().name,
}


class Failed(Exception):
    """No verdict for this case: user code raised, or the models cannot be compared at all."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


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
        with _isolated(request):
            return {"report": _Case(request).run()}
    except Failed as failure:
        return {"failure": {"kind": failure.kind, "message": failure.message}}
    except Exception as error:  # a bug of ours must not take the other cases down
        where = traceback.extract_tb(error.__traceback__)[-1]
        message = f"internal error in the verification worker: {type(error).__name__}: {error} "
        return {
            "failure": {"kind": "crash", "message": f"{message}({where.filename}:{where.lineno})"}
        }


@contextmanager
def _isolated(request: dict[str, Any]) -> Iterator[None]:
    """The user's folders on sys.path for the case; their modules forgotten after it."""
    folders = {
        str(Path(request[role]["path"]).parent.resolve())
        for role in ROLES
        if Path(request[role]["path"]).parent.is_dir()
    }
    path_before, modules_before = list(sys.path), set(sys.modules)
    sys.path[:0] = sorted(folders)
    try:
        yield
    finally:
        sys.path[:] = path_before
        for name in set(sys.modules) - modules_before:
            if _under(getattr(sys.modules[name], "__file__", None), folders):
                del sys.modules[name]


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
            _guard(path, "weights", "loading trained weights into", original.load_weights, path)
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
            _numpy(results["original"]),
            _numpy(results["converted"]),
            atol=self.atol,
            rtol=self.rtol,
        )
        if request["names"] is not None:
            by_name = dict(zip(request["names"], inputs, strict=True))
            report["outputs"] += self._by_name(original, converted, by_name)
        if any(output["problem"] for output in report["outputs"]):
            report["first_difference"] = self._first_difference(found, inputs)
        elif request["weights_out"] is not None and report["outputs"]:
            report["weights_written"] = _save_weights(converted, request["weights_out"])
        return report

    def _build(self, role: str) -> tuple[Any, dict[str, Any]]:
        """Execute a slice in a fresh namespace; its model and the namespace."""
        source = self.request[role]
        # Fresh global state: names, config set by the other slice. Without a full garbage
        # collection each time, which costs more than building a small model; Python's own
        # collector still frees what the last case left.
        keras.backend.clear_session(free_memory=False)
        for name, value in _CONFIG_DEFAULTS.items():
            getattr(keras.config, name)(value)
        for name, value in self.request["settings"].items():  # what the conversion assumed
            if name != "backend":  # verification runs on TensorFlow, the only backend assumed
                getattr(keras.config, f"set_{name}")(value)
        namespace: dict[str, Any] = {"__name__": "__kcg_slice__", "__file__": source["path"]}
        code = compile(source["source"], source["path"], "exec")  # the slicer checked the syntax
        _guard(source["path"], "build", "building", exec, code, namespace)
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
            message = " ".join(_message(exc).split())
            problem = (
                f"the original accepts its inputs as a dict keyed by name ({names}), the "
                f"converted model does not: {type(exc).__name__}: {message}"
            )
            return [no_output(f"{BY_NAME}inputs", problem)]
        compared = compare_outputs(_numpy(expected), _numpy(got), atol=self.atol, rtol=self.rtol)
        return [{**output, "name": f"{BY_NAME}{output['name']}"} for output in compared]

    def _call(self, role: str, model: Any, inputs: Any, doing: str) -> Any:
        # A subclassed model creates its weights on its first call, even after `model.build(shape)`.
        kind = "build" if doing == "building" else "run"
        path = self.request[role]["path"]
        return _guard(path, kind, doing, model, inputs, training=False)

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
            a = [array for _, array in flatten(_numpy(values["original"][ours]))]
            b = [array for _, array in flatten(_numpy(values["converted"][theirs]))]
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


def _save_weights(model: Any, path: str) -> str:
    """Save atomically: a temporary file beside ``path``, then renamed over it."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.weights.h5")
    try:
        model.save_weights(temporary)
        os.replace(temporary, path)
    except Exception as exc:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise Failed("weights", f"{path}: cannot write the converted weights: {exc}") from exc
    return path


def _numpy(value: Any) -> Any:
    return keras.tree.map_structure(keras.ops.convert_to_numpy, value)


def _guard(path: str, kind: str, doing: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call `func`; turn an exception into a one-line failure at the user's file, line and column."""
    try:
        return func(*args, **kwargs)
    except Exception as exc:
        where = _user_position(exc, path)
        position = f"{path}:{where[0]}:{where[1]}" if where else path
        message = " ".join(_message(exc).split())
        raise Failed(
            kind, f"{position}: {type(exc).__name__} while {doing} the model: {message}"
        ) from exc


def _message(exc: Exception) -> str:
    """The exception's text without Keras's colour codes and call-context wrapper."""
    parts = [p.strip() for p in _ANSI.sub("", str(exc)).split("\n\n") if p.strip()]
    if len(parts) > 1 and parts[0].startswith("Exception encountered when calling"):
        return f"{parts[1]} ({parts[0].rstrip('.')})"
    return "\n\n".join(parts)


def _user_position(exc: BaseException, path: str) -> tuple[int, int] | None:
    """Line and column of the innermost traceback frame in the user's file (slices keep lines)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    if frames:
        frame = frames[-1]
        return frame.lineno or 0, (frame.colno or 0) + 1
    cause = exc.__cause__ or exc.__context__
    return _user_position(cause, path) if cause is not None else None


if __name__ == "__main__":
    main()
