"""Checks the tests' own emitter, without the product: do the styles it wrote compute the same?

Runs as a long-lived subprocess (``python oracle_worker.py``) so Keras is imported once: one JSON
request per stdin line, one JSON answer per stdout line. A request holds several modules that each
bind ``model``; the first model's weights are copied into the others layer by layer, matched by the
layer names the emitter wrote, and all outputs are compared on the same seeded inputs.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def _flat(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for key in sorted(value) for x in _flat(value[key])]
    if isinstance(value, list | tuple):
        return [x for item in value for x in _flat(item)]
    return [value]


def answer(request: dict[str, Any]) -> dict[str, Any]:
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    arrays = []
    for spec in request["inputs"]:
        shape = (2, *spec["shape"])
        if spec["dtype"] == "int32":
            arrays.append(rng.integers(0, spec["maxval"], shape).astype("int32"))
        else:
            arrays.append(rng.standard_normal(shape).astype("float32"))
    keys = request["keys"]
    inputs: Any = arrays[0] if len(arrays) == 1 else arrays
    if keys and len(arrays) > 1:
        inputs = dict(zip(keys, arrays, strict=True))
    outputs, first = [], None
    for source in request["sources"]:
        keras.backend.clear_session()
        namespace: dict[str, Any] = {}
        exec(compile(source, "<emitted>", "exec"), namespace)
        model = namespace["model"]
        model(inputs, training=False)
        if first is None:
            first = model
        else:
            for layer in (x for x in first.layers if x.weights):
                model.get_layer(layer.name).set_weights(layer.get_weights())
        outputs.append(
            [keras.ops.convert_to_numpy(x) for x in _flat(model(inputs, training=False))]
        )
    worst = 0.0
    for other in outputs[1:]:
        if [a.shape for a in other] != [a.shape for a in outputs[0]]:
            return {
                "error": f"shapes {[a.shape for a in outputs[0]]} vs {[a.shape for a in other]}"
            }
        for a, b in zip(outputs[0], other, strict=True):
            worst = max(worst, float(np.max(np.abs(a - b), initial=0.0)))
    return {"error": None, "max_abs": worst}


def main() -> None:
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # Keras' prints go to stderr, answers stay on their own stream
    for line in sys.stdin:
        try:
            result = answer(json.loads(line))
        except Exception:
            result = {"error": traceback.format_exc(limit=-3)}
        reply.write(json.dumps(result) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
