"""Verify a conversion by execution: slice each module down to its model, run both, compare.

Importing this package stays static (libcst only); TensorFlow is imported only by the worker
subprocess that a VerifySession starts. The API is described at the top of ``runner.py``.
"""

from kcodegen.verify.correspondence import Correspondence, correspond
from kcodegen.verify.modules import ModuleError, added_classes, case_from_texts, file_cases
from kcodegen.verify.report import (
    LOCATED_FAILURES,
    LayerDifference,
    LayerRef,
    OutputComparison,
    VerifyFailure,
    VerifyReport,
    VerifyResult,
    result_json,
)
from kcodegen.verify.runner import (
    ModelSource,
    VerifyCase,
    VerifySession,
    VerifyUnavailable,
    verify_batch,
)
from kcodegen.verify.saved import verify_saved
from kcodegen.verify.signature import InputError, InputSignature
from kcodegen.verify.slice import NeedsData, SliceError, model_slice

__all__ = [
    "LOCATED_FAILURES",
    "Correspondence",
    "InputError",
    "InputSignature",
    "LayerDifference",
    "LayerRef",
    "ModelSource",
    "ModuleError",
    "NeedsData",
    "OutputComparison",
    "SliceError",
    "VerifyCase",
    "VerifyFailure",
    "VerifyReport",
    "VerifyResult",
    "VerifySession",
    "VerifyUnavailable",
    "added_classes",
    "case_from_texts",
    "correspond",
    "file_cases",
    "model_slice",
    "result_json",
    "verify_batch",
    "verify_saved",
]
