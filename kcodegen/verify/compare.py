"""Compare two models' outputs, or two calls' outputs, value by value (worker side: needs NumPy)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


def compare_outputs(original: Any, converted: Any, *, atol: float, rtol: float) -> list[dict]:
    """One comparison per output, in a stable order (dicts by sorted key), as JSON-ready dicts."""
    ours, theirs = list(flatten(original)), list(flatten(converted))
    results = []
    for index in range(max(len(ours), len(theirs))):
        if index >= len(theirs):
            results.append(_missing(ours[index], "the converted model has no such output", True))
        elif index >= len(ours):
            results.append(_missing(theirs[index], "the original model has no such output", False))
        else:
            (name, a), (other, b) = ours[index], theirs[index]
            result = compare_arrays(a, b, atol=atol, rtol=rtol)
            if name != other:
                result["problem"] = f"the converted model names this output {other!r}"
            results.append({"name": name, **result})
    return results


def flatten(value: Any, name: str = "") -> Iterator[tuple[str, np.ndarray]]:
    """(name, array) for each tensor of a nested output: "0", "1", ... for lists, keys for dicts."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from flatten(value[key], f"{name}/{key}" if name else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from flatten(item, f"{name}/{index}" if name else str(index))
    else:
        yield name or "output", np.asarray(value)


def compare_arrays(a: np.ndarray, b: np.ndarray, *, atol: float, rtol: float) -> dict[str, Any]:
    """Shape, dtype, largest absolute and relative error, NaN/Inf positions; the first problem."""
    result: dict[str, Any] = {
        "shape": list(a.shape),
        "converted_shape": list(b.shape),
        "dtype": str(a.dtype),
        "converted_dtype": str(b.dtype),
        "max_abs": None,
        "max_rel": None,
        "nonfinite_mismatches": 0,
        "problem": None,
    }
    if a.shape != b.shape:
        result["problem"] = f"shape {a.shape} vs {b.shape}"
    elif a.dtype != b.dtype:
        result["problem"] = f"dtype {a.dtype} vs {b.dtype}"
    elif a.dtype.kind not in "biuf":
        result["problem"] = f"cannot compare dtype {a.dtype}"
    if result["problem"]:
        return result
    x, y = a.astype(np.float64), b.astype(np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    diff = np.abs(x - y)[finite]
    scale = np.abs(x[finite])
    rel = np.divide(diff, scale, out=np.where(diff > 0, np.inf, 0.0), where=scale > 0)
    result["max_abs"] = float(diff.max(initial=0.0))
    result["max_rel"] = float(rel.max(initial=0.0))
    moved = sum(int(np.count_nonzero(test(x) != test(y))) for test in _NONFINITE)
    result["nonfinite_mismatches"] = moved
    if moved:
        result["problem"] = f"NaN or Inf at different positions ({moved})"
    elif not np.all(diff <= atol + rtol * np.abs(y[finite])):
        result["problem"] = (
            f"values differ, max abs diff {result['max_abs']:.2g} (atol {atol:g}, rtol {rtol:g})"
        )
    return result


def no_output(name: str, problem: str) -> dict[str, Any]:
    """A comparison that has no values to compare, only the reason why."""
    return {
        "name": name,
        "shape": None,
        "converted_shape": None,
        "dtype": None,
        "converted_dtype": None,
        "max_abs": None,
        "max_rel": None,
        "nonfinite_mismatches": 0,
        "problem": problem,
    }


def _missing(output: tuple[str, np.ndarray], problem: str, in_original: bool) -> dict[str, Any]:
    name, array = output
    shape, dtype = list(array.shape), str(array.dtype)
    side = ("shape", "dtype") if in_original else ("converted_shape", "converted_dtype")
    return {**no_output(name, problem), side[0]: shape, side[1]: dtype}


_NONFINITE = (np.isnan, np.isposinf, np.isneginf)
