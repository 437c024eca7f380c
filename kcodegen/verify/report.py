"""The result of running an original model and its conversion side by side.

Kept apart from the runner so the CLI and library can print or serialize a report without knowing
how it was produced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

Shape = tuple[int, ...]


@dataclass(frozen=True)
class OutputComparison:
    """One output of the original model against the same output of the converted one."""

    name: str  # "output" for a single tensor, "0", "1", ... for lists, the key for dicts
    shape: Shape | None  # None: the model has no such output
    converted_shape: Shape | None
    dtype: str | None
    converted_dtype: str | None
    max_abs: float | None  # over positions where both values are finite
    max_rel: float | None  # relative to the original's value
    problem: str | None  # why the outputs differ; None when equal within tolerance

    @property
    def ok(self) -> bool:
        return self.problem is None

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
            problem=data["problem"],
        )


@dataclass(frozen=True)
class VerifyReport:
    """Whether two models compute the same function on the same seeded inputs, and why not."""

    original_weights: tuple[Shape, ...]
    converted_weights: tuple[Shape, ...]
    outputs: tuple[OutputComparison, ...]
    error: str | None  # "file:line: Type: message" when a model failed to build or run
    atol: float
    rtol: float

    @property
    def weights_match(self) -> bool:
        return self.original_weights == self.converted_weights

    @property
    def equivalent(self) -> bool:
        return (
            self.error is None
            and self.weights_match
            and bool(self.outputs)
            and all(o.ok for o in self.outputs)
        )

    @property
    def max_abs(self) -> float | None:
        diffs = [o.max_abs for o in self.outputs if o.max_abs is not None]
        return max(diffs, default=None)

    def summary(self) -> str:
        """One line: the verdict and the single most useful number or reason."""
        if self.error is not None:
            return f"error: {self.error.splitlines()[0]}"
        if not self.weights_match:
            return f"not equivalent: {self._weight_difference()}"
        failed = [o for o in self.outputs if not o.ok]
        if failed:
            more = (
                f" ({len(failed)} of {len(self.outputs)} outputs differ)" if len(failed) > 1 else ""
            )
            return f"not equivalent: output {failed[0].name!r}: {failed[0].problem}{more}"
        if not self.outputs:
            return "not equivalent: the models returned no outputs"
        count = len(self.outputs)
        return f"verified: {count} output{'s' * (count != 1)}, max abs diff {self.max_abs:.2g}"

    def details(self) -> str:
        """Several lines: weights, one line per output, then the verdict."""
        lines = []
        if self.error is None:
            if self.weights_match:
                lines.append(f"weights: {len(self.original_weights)} arrays, shapes match, copied")
            else:
                lines.append(f"weights: {self._weight_difference()}")
        for output in self.outputs:
            lines.append(f"  {output.name}: {_describe(output)}")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for `kcg verify --format json`)."""
        return {**asdict(self), "equivalent": self.equivalent, "summary": self.summary()}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, atol: float, rtol: float) -> VerifyReport:
        return cls(
            original_weights=tuple(tuple(s) for s in data["original_weights"]),
            converted_weights=tuple(tuple(s) for s in data["converted_weights"]),
            outputs=tuple(OutputComparison.from_dict(o) for o in data["outputs"]),
            error=data["error"],
            atol=atol,
            rtol=rtol,
        )

    def _weight_difference(self) -> str:
        ours, theirs = self.original_weights, self.converted_weights
        text = f"weight shapes differ, original has {len(ours)} arrays, converted {len(theirs)}"
        for index, (a, b) in enumerate(zip(ours, theirs, strict=False)):
            if a != b:
                return f"{text}; first difference at #{index}: {a} vs {b}"
        return text


def _describe(output: OutputComparison) -> str:
    if output.shape is None or output.converted_shape is None:
        return output.problem or ""
    numbers = ""
    if output.max_abs is not None:
        numbers = f", max abs diff {output.max_abs:.2g}, max rel diff {output.max_rel:.2g}"
    verdict = "ok" if output.ok else f"DIFFERS: {output.problem}"
    return f"shape {output.shape} {output.dtype}{numbers}: {verdict}"
