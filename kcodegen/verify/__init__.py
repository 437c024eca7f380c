"""Verify a conversion by execution: slice each module down to its model, run both, compare.

Importing this package stays static (libcst only); TensorFlow is imported only by the worker
subprocess that `verify_sources` starts.
"""

from kcodegen.verify.report import OutputComparison, VerifyReport
from kcodegen.verify.runner import (
    InputSignature,
    Source,
    VerifyError,
    VerifyUnavailable,
    verify_sources,
)
from kcodegen.verify.slice import NeedsData, SliceError, model_slice

__all__ = [
    "InputSignature",
    "NeedsData",
    "OutputComparison",
    "SliceError",
    "Source",
    "VerifyError",
    "VerifyReport",
    "VerifyUnavailable",
    "model_slice",
    "verify_sources",
]
