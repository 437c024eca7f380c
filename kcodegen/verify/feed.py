"""The seeded inputs both models are fed (worker side: needs NumPy).

A batch of 2; floats standard normal, integers in [0, maxval), booleans fair coins, or uniform in
the user's ``--input-range``. Unknown dimensions (None, besides the batch) get a small size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

BATCH = 2
UNKNOWN_DIM = 8
DEFAULT_MAXVAL = 10  # integer inputs whose bound nothing tells


def make_inputs(
    signature: list[dict[str, Any]],
    structure: str,
    rng: np.random.Generator,
    namespace: Mapping[str, Any],
) -> Any:
    """Arrays for `signature`, grouped as the model takes them: one, a list, or a dict by key.

    ``namespace`` is where the original model was built: an integer bound written as an expression
    (``vocab_size``) is evaluated there.
    """
    arrays = [_array(spec, rng, namespace) for spec in signature]
    if structure == "dict":
        return {spec["key"]: array for spec, array in zip(signature, arrays, strict=True)}
    if structure == "list":
        return arrays
    return arrays[0]


def _array(spec: dict[str, Any], rng: np.random.Generator, namespace: Mapping[str, Any]) -> Any:
    shape = (BATCH, *(UNKNOWN_DIM if dim is None else dim for dim in spec["shape"]))
    dtype = np.dtype(spec["dtype"])
    if spec["value_range"] is not None:
        low, high = spec["value_range"]
        if dtype.kind in "iu":
            return rng.integers(int(low), int(high), shape).astype(dtype)
        return rng.uniform(low, high, shape).astype(dtype)
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if dtype.kind in "iu":
        return rng.integers(0, _maxval(spec, namespace), shape).astype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    raise ValueError(f"unsupported input dtype {spec['dtype']!r}")


def _maxval(spec: dict[str, Any], namespace: Mapping[str, Any]) -> int:
    if spec["maxval"] is not None:
        return int(spec["maxval"])
    if spec["maxval_text"] is not None:
        try:
            return int(eval(spec["maxval_text"], dict(namespace)))  # the user's own expression
        except Exception:
            return DEFAULT_MAXVAL
    return DEFAULT_MAXVAL
