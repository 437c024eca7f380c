"""What verifying one model pair found: a verdict (VerifyReport) or why none was reached (VerifyFailure).

Kept apart from the runner so the CLI and library can print or serialize a result without knowing
how it was produced. The JSON form (``result_json``) is what ``kcg verify --format json`` prints; its
keys are stable and documented by tests/verify/test_report.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Shape = tuple[int, ...]
# Outputs of the second call, with the inputs as a dict keyed by their names, are named so.
BY_NAME = "by name: "


@dataclass(frozen=True)
class OutputComparison:
    """One output of the original model against the same output of the converted one."""

    name: str  # "output" for a single tensor, "0", "1", ... for lists, the key for dicts
    shape: Shape | None  # None: the original has no such output
    converted_shape: Shape | None  # None: the converted model has no such output
    dtype: str | None
    converted_dtype: str | None
    max_abs: float | None  # over positions where both values are finite
    max_rel: float | None  # relative to the original's value
    nonfinite_mismatches: int  # positions where NaN or Inf appear in only one of the outputs
    problem: str | None  # why the outputs differ; None when equal within tolerance

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        if self.shape is None or self.converted_shape is None:
            return f"{self.name}: DIFFERS: {self.problem}"
        numbers = ""
        if self.max_abs is not None:
            numbers = f", max abs diff {self.max_abs:.2g}, max rel diff {self.max_rel:.2g}"
        verdict = "ok" if self.ok else f"DIFFERS: {self.problem}"
        return f"{self.name}: shape {self.shape} {self.dtype}{numbers}: {verdict}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutputComparison:
        shape, converted = data["shape"], data["converted_shape"]
        return cls(
            name=data["name"],
            shape=None if shape is None else tuple(shape),
            converted_shape=None if converted is None else tuple(converted),
            dtype=data["dtype"],
            converted_dtype=data["converted_dtype"],
            max_abs=data["max_abs"],
            max_rel=data["max_rel"],
            nonfinite_mismatches=data["nonfinite_mismatches"],
            problem=data["problem"],
        )


@dataclass(frozen=True)
class LayerRef:
    """A layer as its author knows it: class, their name for it, where it is created and called."""

    cls: str  # "Dense", or the user's class
    name: str | None  # attribute or variable, name=, or the variable its output was bound to
    path: str
    line: int  # where the layer is created
    call_line: int  # where this call of it is written

    def describe(self) -> str:
        named = f" `{self.name}`" if self.name else ""
        called = f", called at line {self.call_line}" if self.call_line != self.line else ""
        return f"{self.cls}{named} ({self.path}:{self.line}{called})"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LayerRef:
        return cls(data["cls"], data["name"], data["path"], data["line"], data["call_line"])


@dataclass(frozen=True)
class LayerDifference:
    """The first layer call, in the original's order, whose outputs differ between the models."""

    original: LayerRef
    converted: LayerRef
    max_abs: float | None
    problem: str

    def describe(self) -> str:
        return (
            f"first differing layer: {self.converted.describe()}, "
            f"original {self.original.describe()}: {self.problem}"
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LayerDifference:
        return cls(
            LayerRef.from_dict(data["original"]),
            LayerRef.from_dict(data["converted"]),
            data["max_abs"],
            data["problem"],
        )


@dataclass(frozen=True)
class VerifyReport:
    """Both models ran: whether they compute the same function on the same inputs, and why not."""

    outputs: tuple[OutputComparison, ...]
    weight_problems: tuple[str, ...]  # per layer: shapes that differ, layers without a counterpart
    copied: int  # weight arrays copied from the original into the converted model
    first_difference: LayerDifference | None
    atol: float
    rtol: float
    weights_written: str | None = None  # where the converted model's trained weights went

    @property
    def equivalent(self) -> bool:
        return not self.weight_problems and bool(self.outputs) and all(o.ok for o in self.outputs)

    @property
    def max_abs(self) -> float | None:
        return max((o.max_abs for o in self.outputs if o.max_abs is not None), default=None)

    def summary(self) -> str:
        """One line: the verdict and the single most useful number or reason."""
        if self.weight_problems:
            extra = len(self.weight_problems) - 1
            more = f" (and {extra} more weight problem{'s' * (extra != 1)})" if extra else ""
            return f"not equivalent: {self.weight_problems[0]}{more}"
        failed = [o for o in self.outputs if not o.ok]
        if failed:
            more = f" ({len(failed)} of {len(self.outputs)} outputs differ)" * (len(failed) > 1)
            return f"not equivalent: output {failed[0].name!r}: {failed[0].problem}{more}"
        if not self.outputs:
            return "not equivalent: the models returned no outputs"
        count = sum(not o.name.startswith(BY_NAME) for o in self.outputs)
        also = ", inputs also fed by name" if count < len(self.outputs) else ""
        return (
            f"verified: {count} output{'s' * (count != 1)}{also}, max abs diff {self.max_abs:.2g}"
        )

    def details(self) -> str:
        """One line per output (or weight problem), the first differing layer, then the verdict."""
        lines = [f"weights: {problem}" for problem in self.weight_problems]
        lines += [f"  {output.describe()}" for output in self.outputs]
        if self.first_difference is not None:
            lines.append(self.first_difference.describe())
        lines.append(self.summary())
        return "\n".join(lines)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, atol: float, rtol: float) -> VerifyReport:
        difference = data["first_difference"]
        return cls(
            outputs=tuple(OutputComparison.from_dict(o) for o in data["outputs"]),
            weight_problems=tuple(data["weight_problems"]),
            copied=data["copied"],
            first_difference=None if difference is None else LayerDifference.from_dict(difference),
            atol=atol,
            rtol=rtol,
            weights_written=data.get("weights_written"),
        )


# Why no verdict was reached. A user can act on all but "crash": bind data, give a shape, fix code.
# "load" and "correspondence" are a saved model's: it cannot be loaded, or the module generated
# from it has layers that do not match its layers by name.
FAILURE_KINDS = (
    "needs-data",
    "slice",
    "input",
    "build",
    "run",
    "weights",
    "load",
    "correspondence",
    "timeout",
    "crash",
)
# Their messages start with the path: all but a timeout and a crash, which have no place.
LOCATED_FAILURES = tuple(kind for kind in FAILURE_KINDS if kind not in ("timeout", "crash"))


@dataclass(frozen=True)
class VerifyFailure:
    """The models could not be run side by side; ``message`` starts with ``path:line:col:`` when known."""

    kind: str  # one of FAILURE_KINDS
    message: str

    equivalent = False

    def summary(self) -> str:
        return f"cannot verify: {self.message}"


VerifyResult = VerifyReport | VerifyFailure


def result_json(model: str, result: VerifyResult) -> dict[str, Any]:
    """The stable JSON form of one model's result (the same keys for reports and failures)."""
    if isinstance(result, VerifyFailure):
        return {
            "model": model,
            "verdict": "error",
            "summary": result.summary(),
            "error": {"kind": result.kind, "message": result.message},
            "outputs": [],
            "weights": None,
            "first_difference": None,
        }
    difference = result.first_difference
    return {
        "model": model,
        "verdict": "equivalent" if result.equivalent else "different",
        "summary": result.summary(),
        "error": None,
        "outputs": [_output_json(o) for o in result.outputs],
        "weights": {"copied": result.copied, "problems": list(result.weight_problems)},
        "first_difference": None
        if difference is None
        else {
            "original": vars(difference.original),
            "converted": vars(difference.converted),
            "max_abs": difference.max_abs,
            "problem": difference.problem,
        },
    }


def _output_json(output: OutputComparison) -> dict[str, Any]:
    data = dict(vars(output))
    for key in ("shape", "converted_shape"):
        data[key] = None if data[key] is None else list(data[key])
    return data
