"""Verify a conversion by running both models in a subprocess with a time limit.

Slicing happens here, before any process starts, so a model that needs data or an undefined name
fails fast with a precise message. Only the worker imports TensorFlow.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kcodegen.verify.report import VerifyReport
from kcodegen.verify.slice import model_slice

STRUCTURES = ("single", "list", "dict")
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # so the worker imports this very kcodegen


class VerifyUnavailable(RuntimeError):
    """Verification needs TensorFlow, which the light core install does not bring."""


class VerifyError(RuntimeError):
    """The worker timed out or crashed: a failure of the verification, not a verdict."""


@dataclass(frozen=True)
class Source:
    """Model code to verify: the module text, the expression that gives the model, binds."""

    text: str
    target: str = "model"
    path: str = "<string>"
    binds: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InputSignature:
    """One model input: its key (dict inputs), shape without the batch dimension, dtype."""

    key: str | None
    shape: tuple[int | None, ...]
    dtype: str = "float32"
    maxval: int | None = None  # integer inputs are drawn from [0, maxval), e.g. Embedding input_dim


def verify_sources(
    original: Source,
    converted: Source,
    signature: Sequence[InputSignature],
    structure: str,
    *,
    timeout: float = 120,
    atol: float = 1e-5,
    rtol: float = 1e-5,
) -> VerifyReport:
    """Build both models on the same seeded inputs with the same weights and compare outputs.

    Raises NeedsData or SliceError when a model cannot be cut out of its module, VerifyUnavailable
    without TensorFlow, and VerifyError when the worker times out or crashes.
    """
    _check_signature(signature, structure)
    request = {
        "original": _sliced(original),
        "converted": _sliced(converted),
        "signature": [asdict(spec) for spec in signature],
        "structure": structure,
        "atol": atol,
        "rtol": rtol,
    }
    if importlib.util.find_spec("tensorflow") is None:
        raise VerifyUnavailable("TensorFlow is not installed; pip install 'kcodegen[tf]'")
    return VerifyReport.from_dict(_run_worker(request, timeout), atol=atol, rtol=rtol)


def _check_signature(signature: Sequence[InputSignature], structure: str) -> None:
    if structure not in STRUCTURES:
        raise ValueError(f"structure must be one of {STRUCTURES}, not {structure!r}")
    if not signature:
        raise ValueError("the input signature is empty")
    if structure == "single" and len(signature) != 1:
        raise ValueError(f"a single input needs one signature, got {len(signature)}")
    if structure == "dict" and any(spec.key is None for spec in signature):
        raise ValueError("dict inputs need a key for every input")


def _sliced(source: Source) -> dict[str, str]:
    text = model_slice(source.text, source.target, source.binds, source.path)
    return {"source": text, "path": source.path}


def _run_worker(request: dict, timeout: float) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kcodegen.verify.worker"],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise VerifyError(
            f"verification timed out after {timeout:g} s while building and running both models"
        ) from exc
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise VerifyError(
            f"the verification worker failed (exit code {done.returncode}):\n{tail}"
        ) from None
