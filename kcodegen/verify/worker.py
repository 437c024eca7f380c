"""Subprocess that builds two model slices, gives them the same weights and inputs, and compares.

Runs as `python -m kcodegen.verify.worker`: one JSON request on stdin, one JSON report on stdout.
It is a separate process so that user code, TensorFlow's start-up and any crash or hang stay out of
the caller; Keras is imported once for both models.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["KERAS_BACKEND"] = "tensorflow"

import keras
import numpy as np

from kcodegen.verify.slice import TARGET_NAME

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
ROLES = ("original", "converted")
BATCH = 2
UNKNOWN_DIM = 4  # stands in for a None dimension other than the batch
DEFAULT_MAXVAL = 10
# Global Keras settings a slice may change (the slicer keeps `set_floatx` and the like); each slice
# starts from the defaults so the original's settings never leak into the converted model.
_CONFIG_DEFAULTS = {
    "set_floatx": keras.config.floatx(),
    "set_epsilon": keras.config.epsilon(),
    "set_image_data_format": keras.config.image_data_format(),
    "set_dtype_policy": keras.config.dtype_policy().name,
}


class _Failed(Exception):
    """A model failed to build or run; carries the report's error text."""


def main() -> None:
    report_fd = os.dup(1)
    os.dup2(2, 1)  # whatever user code prints must not corrupt the JSON report
    sys.stdout = sys.stderr
    report = run(json.load(sys.stdin))
    with os.fdopen(report_fd, "w") as out:
        json.dump(report, out)


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Build both models, copy weights when the shapes allow, and compare their outputs."""
    report: dict[str, Any] = {
        "original_weights": [],
        "converted_weights": [],
        "outputs": [],
        "error": None,
    }
    rng = np.random.default_rng(request.get("seed", 0))
    try:
        inputs = make_inputs(request["signature"], request["structure"], rng)
        models = {role: _build(request[role], inputs) for role in ROLES}
        for role, model in models.items():
            report[f"{role}_weights"] = [list(w.shape) for w in model.weights]
        if report["original_weights"] != report["converted_weights"]:
            return report
        weights = models["original"].get_weights()
        _guard(
            request["converted"], "copying weights into", models["converted"].set_weights, weights
        )
        results = [
            _guard(request[role], "running", model, inputs, training=False)
            for role, model in models.items()
        ]
        report["outputs"] = compare(*results, atol=request["atol"], rtol=request["rtol"])
    except _Failed as failure:
        report["error"] = str(failure)
    return report


def make_inputs(signature: list[dict[str, Any]], structure: str, rng: np.random.Generator) -> Any:
    """Seeded inputs with a batch of 2: floats standard normal, integers in [0, maxval)."""
    arrays = [_array(spec, rng) for spec in signature]
    if structure == "dict":
        return {spec["key"]: array for spec, array in zip(signature, arrays, strict=True)}
    if structure == "list":
        return arrays
    return arrays[0]


def _array(spec: dict[str, Any], rng: np.random.Generator) -> np.ndarray:
    shape = (BATCH, *(UNKNOWN_DIM if dim is None else dim for dim in spec["shape"]))
    dtype = np.dtype(spec["dtype"])
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if dtype.kind in "iu":
        return rng.integers(0, spec.get("maxval") or DEFAULT_MAXVAL, shape).astype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    raise ValueError(f"unsupported input dtype {spec['dtype']!r}")


def _build(source: dict[str, str], inputs: Any) -> Any:
    """Execute a slice in a fresh namespace and return its built model."""
    path = source["path"]
    keras.backend.clear_session()  # fresh global state: names, config set by the other slice
    for name, value in _CONFIG_DEFAULTS.items():
        getattr(keras.config, name)(value)
    if Path(path).parent.is_dir():
        sys.path.insert(0, str(Path(path).parent.resolve()))  # so the file's own imports work
    namespace = {"__name__": "__kcg_slice__", "__file__": path}
    code = compile(source["source"], path, "exec")  # the slicer already checked the syntax
    _guard(source, "building", exec, code, namespace)
    model = namespace[TARGET_NAME]
    if not isinstance(model, keras.Model):
        raise _Failed(
            f"{path}: the model expression gave {type(model).__name__}, not a keras.Model"
        )
    # A subclassed model creates its weights on its first call, even after `model.build(shape)`.
    _guard(source, "building", model, inputs, training=False)
    return model


def _guard(source: dict[str, str], doing: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call `func`; turn an exception into `_Failed` pointing at the user's file and line."""
    try:
        return func(*args, **kwargs)
    except Exception as exc:
        path = source["path"]
        line = _user_line(exc, path)
        where = f"{path}:{line}" if line else path
        message = f"{type(exc).__name__} while {doing} the model: {_message(exc)}"
        raise _Failed(f"{where}: {message}") from exc


def _message(exc: Exception) -> str:
    """The exception's text without Keras's colour codes and call-context wrapper."""
    parts = [p.strip() for p in _ANSI.sub("", str(exc)).split("\n\n") if p.strip()]
    if len(parts) > 1 and parts[0].startswith("Exception encountered when calling"):
        return f"{parts[1]} ({parts[0].rstrip('.')})"
    return "\n\n".join(parts)


def _user_line(exc: BaseException, path: str) -> int | None:
    """The line of the deepest traceback frame in the user's file (the slice keeps line numbers)."""
    lines = [
        frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == path
    ]
    if lines:
        return lines[-1]
    cause = exc.__cause__ or exc.__context__
    return _user_line(cause, path) if cause is not None else None


def compare(original: Any, converted: Any, *, atol: float, rtol: float) -> list[dict[str, Any]]:
    """Compare outputs pairwise in a stable order (dicts by sorted key)."""
    ours, theirs = list(_flatten(original)), list(_flatten(converted))
    results = []
    for index in range(max(len(ours), len(theirs))):
        if index >= len(theirs):
            results.append(_missing(ours[index], "the converted model has no such output", True))
        elif index >= len(ours):
            results.append(_missing(theirs[index], "the original model has no such output", False))
        else:
            results.append(_compare(*ours[index], *theirs[index], atol, rtol))
    return results


def _flatten(value: Any, name: str = "") -> Iterator[tuple[str, np.ndarray]]:
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{name}/{key}" if name else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{name}/{index}" if name else str(index))
    else:
        yield name or "output", np.asarray(keras.ops.convert_to_numpy(value))


def _missing(output: tuple[str, np.ndarray], problem: str, in_original: bool) -> dict[str, Any]:
    name, array = output
    shape, dtype = list(array.shape), str(array.dtype)
    return {
        "name": name,
        "shape": shape if in_original else None,
        "converted_shape": None if in_original else shape,
        "dtype": dtype if in_original else None,
        "converted_dtype": None if in_original else dtype,
        "max_abs": None,
        "max_rel": None,
        "problem": problem,
    }


def _compare(
    name: str, a: np.ndarray, other_name: str, b: np.ndarray, atol: float, rtol: float
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "name": name,
        "shape": list(a.shape),
        "converted_shape": list(b.shape),
        "dtype": str(a.dtype),
        "converted_dtype": str(b.dtype),
        "max_abs": None,
        "max_rel": None,
        "problem": None,
    }
    if name != other_name:
        result["problem"] = f"the converted model names this output {other_name!r}"
    elif a.shape != b.shape:
        result["problem"] = f"shape {a.shape} vs {b.shape}"
    elif a.dtype != b.dtype:
        result["problem"] = f"dtype {a.dtype} vs {b.dtype}"
    if result["problem"] or a.dtype.kind not in "biuf":
        result["problem"] = result["problem"] or f"cannot compare dtype {a.dtype}"
        return result
    x, y = a.astype(np.float64), b.astype(np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    diff = np.abs(x - y)[finite]
    scale = np.abs(x[finite])
    rel = np.divide(diff, scale, out=np.where(diff > 0, np.inf, 0.0), where=scale > 0)
    result["max_abs"] = float(diff.max(initial=0.0))
    result["max_rel"] = float(rel.max(initial=0.0))
    if any(not np.array_equal(test(x), test(y)) for test in (np.isnan, np.isposinf, np.isneginf)):
        result["problem"] = "NaN or Inf at different positions"
    elif not np.all(diff <= atol + rtol * np.abs(y[finite])):
        result["problem"] = (
            f"values differ, max abs diff {result['max_abs']:.2g} (atol {atol:g}, rtol {rtol:g})"
        )
    return result


if __name__ == "__main__":
    main()
