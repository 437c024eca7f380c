"""One generated graph through every (source style, target style) pair, and the counts of a run.

For each pair the product must either refuse with the reasons the generator expects, or convert:
the output re-parses in the target style with the model's name= kept, converting it again changes
nothing, and running both models on the same weights and inputs gives the same outputs. Converting
to the source's own style must give the source back unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from preservation import assert_preserved

from kcodegen.convert import Conversion, convert
from kcodegen.frontend import parse_models
from kcodegen.ir import STYLES
from kcodegen.verify import ModelSource, VerifyCase, VerifyResult, VerifySession

from .emit import MODEL, Emitted, Style, Writing, emit_all
from .expect import sequential_obstacles, unmatched
from .graphs import Graph

TOLERANCE = 1e-5  # absolute and relative, as `kcg convert` verifies; LSTM/GRU need no more

# (original source, conversion) -> a report, or a failure to run both models
Verify = Callable[[str, Conversion], VerifyResult]


@dataclass
class Failure:
    pair: str  # "functional -> sequential"
    message: str
    source: str


@dataclass(repr=False)
class Tally:
    """What a run did; printed at the end of a run and written as JSON by the long profile."""

    models: int = 0  # graphs generated
    sources: int = 0  # modules emitted (one per style a graph fits)
    pairs: int = 0  # (source, target) conversions attempted
    unchanged: int = 0  # conversions to the source's own style, checked to change nothing
    converted: int = 0
    verified: int = 0
    refusals: int = 0  # refusals whose reasons were checked against the generator's
    failures: list[Failure] = field(default_factory=list)
    constructs: Counter[str] = field(default_factory=Counter)  # graphs that contain each construct

    def counts(self) -> dict[str, int]:
        numbers = {f.name: getattr(self, f.name) for f in fields(self) if f.type == "int"}
        return {**numbers, "failures": len(self.failures)}

    def summary(self) -> str:
        return ", ".join(f"{key} {value}" for key, value in self.counts().items())

    __repr__ = summary  # short in tracebacks, which show the fixture


def round_trip(
    graph: Graph, writing: Writing, verify: Verify | None, tally: Tally
) -> list[Failure]:
    """Check every pair for one graph (``verify`` None: all but running the models); the failures
    found, also added to ``tally``."""
    tally.models += 1
    tally.constructs.update(constructs(graph))
    found = []
    for emitted in emit_all(graph, writing).values():
        tally.sources += 1
        for target in STYLES:
            tally.pairs += 1
            pair = f"{emitted.style} -> {target}"
            try:
                problem = check_pair(graph, emitted, target, verify, tally)
            except Exception as error:  # a crash of the product is a finding like any other
                problem = f"raised {type(error).__name__}: {error}"
            if problem:
                found.append(Failure(pair, problem, emitted.source))
    tally.failures += found
    return found


def constructs(graph: Graph) -> set[str]:
    """What a graph exercises, for the run's coverage counts."""
    found = set[str](step.kind for step in graph.steps) - {"layer"}
    found |= {f"op:{step.op}" for step in graph.steps if step.op}
    found |= {step.layer.cls for step in graph.steps if step.layer}
    found |= {"chain"} if graph.is_chain else set()
    found |= {"several inputs"} if len(graph.inputs) > 1 else set()
    found |= {"several outputs"} if len(graph.outputs) > 1 else set()
    return found


def check_pair(
    graph: Graph, emitted: Emitted, target: Style, verify: Verify | None, tally: Tally
) -> str | None:
    """None when the product does the right thing for this pair; otherwise what went wrong."""
    conversion = convert(emitted.source, target, model=MODEL)
    reasons = [(r.line, r.message) for refusal in conversion.refusals for r in refusal.reasons]
    if target == emitted.style:
        tally.unchanged += 1
        if reasons or conversion.output != emitted.source:
            return f"converting to its own style changed the module or refused: {reasons}"
        return None
    if target == "sequential" and not graph.is_chain:
        obstacles = sequential_obstacles(graph, emitted)
        if not reasons:
            expected = "; ".join(o.what for o in obstacles)
            return f"converted, but Sequential cannot express: {expected}"
        missing, extra = unmatched(obstacles, reasons)
        if missing or extra:
            return (
                f"refusal reasons do not match: not explained {[o.what for o in missing]}, "
                f"unexpected {extra}, all reasons {reasons}"
            )
        tally.refusals += 1
        return None
    if reasons:
        return f"refused, but {target} can express the model: {reasons}"
    tally.converted += 1
    return _check_output(emitted, target, conversion, verify, tally)


def _check_output(
    emitted: Emitted, target: Style, conversion: Conversion, verify: Verify | None, tally: Tally
) -> str | None:
    output = conversion.output
    if len(conversion.converted) != 1:
        return f"converted {conversion.converted}, not just `{MODEL}`"
    # ``model``, or the builder's name where the builder returns ``model`` right after making it
    (name,) = conversion.converted
    try:
        assert_preserved(conversion)
    except AssertionError as lost:
        return f"a statement outside the model did not survive: {lost}\n{output}"
    found = {g.name: g for g in parse_models(output).models}
    if name not in found or found[name].style != target:
        styles = {other: g.style for other, g in found.items()}
        return f"the output does not parse back as a {target} model (found {styles})\n{output}"
    if found[name].keras_name != emitted.model_name:
        was, now = emitted.model_name, found[name].keras_name
        return f"the model's name= changed from {was!r} to {now!r}\n{output}"
    again = convert(output, target, model=MODEL)
    if again.output != output:
        return f"converting the output to {target} again changed it\n{output}"
    if verify is None:
        return None
    result = verify(emitted.source, conversion)
    if not result.equivalent:
        details = result.details() if hasattr(result, "details") else result.summary()
        return f"verification failed: {details}\n--- converted:\n{output}"
    tally.verified += 1
    return None


def session_verify(session: VerifySession) -> Verify:
    """Verification through one ``VerifySession``: one worker, TensorFlow imported once per run."""

    def verify(original: str, conversion: Conversion) -> VerifyResult:
        (name,) = conversion.converted
        ours = next(g for g in conversion.models if g.name == name)
        theirs = next(g for g in parse_models(conversion.output).models if g.name == name)
        case = VerifyCase(
            ModelSource(original, ours, path="generated.py"),
            ModelSource(conversion.output, theirs, path="converted.py"),
            atol=TOLERANCE,
            rtol=TOLERANCE,
        )
        (result,) = session.verify([case])
        return result

    return verify
