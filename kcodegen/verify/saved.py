"""Verify a module generated from a saved model against that model, with its own weights.

The worker runs the case (``saved_case.py``): it loads the saved model, runs the generated module
as a script, copies the saved weights in by layer name and compares outputs. Nothing here imports
TensorFlow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from kcodegen.verify.report import VerifyResult
from kcodegen.verify.runner import VerifySession, require_tensorflow


def verify_saved(
    saved_path: str,
    source: str,
    *,
    path: str,
    variable: str = "model",
    custom_modules: Sequence[str] = (),
    weights_out: str | None = None,
    timeout: float = 120.0,
    session: VerifySession | None = None,
) -> VerifyResult:
    """Whether ``source``, the module generated from the model saved at ``saved_path`` (``.keras``,
    ``.h5``, or ``.json`` from ``to_json()``), computes what it does.

    ``path`` is where the module will be written (messages point into it; its folder is on
    sys.path as when the module runs), ``variable`` the name it binds the model to,
    ``custom_modules`` the modules (importable from the current directory) whose classes the
    saved model uses. With ``weights_out``, the saved weights are written there for the generated
    model (``model.load_weights`` reads them) when the outputs agree. ``session`` is one started
    early, which the caller closes; ``timeout`` is for a session of our own. Raises
    VerifyUnavailable without TensorFlow.
    """
    require_tensorflow()
    request = {
        "kind": "saved",
        "saved": os.path.abspath(saved_path),
        "source": source,
        "path": path,
        "variable": variable,
        "custom_modules": list(custom_modules),
        "cwd": os.getcwd(),
        "weights_out": None if weights_out is None else os.path.abspath(weights_out),
        "atol": 1e-5,
        "rtol": 1e-5,
        "seed": 0,
    }
    if session is None:
        with VerifySession(timeout_per_case=timeout) as own:
            return own.send(request)
    return session.send(request)
