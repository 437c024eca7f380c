"""Why Sequential cannot express a graph, as the generator knows it, and matching the product's reasons.

Each obstacle names the construct (a pattern the product's reason must contain) and the lines where
a reason about it may plausibly point: the step's own line, the calls of a shared layer, the users
of a branching tensor, or the lines that define the model as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .emit import Emitted, input_name
from .graphs import MERGES, Graph

_MENTIONED = re.compile(r"\blines? (\d+(?:, \d+)*)")


@dataclass(frozen=True)
class Obstacle:
    what: str  # for messages: "op `0.5 * t3` (line 7)"
    pattern: str  # a regular expression the reason's text must match
    lines: frozenset[int]  # where the reason may point
    mentions: frozenset[int] = frozenset()  # lines its text may name ("called at lines 7, 9")

    def matches(self, line: int, message: str) -> bool:
        named = {int(n) for group in _MENTIONED.findall(message) for n in group.split(", ")}
        return (
            line in self.lines
            and named <= self.mentions
            and re.search(self.pattern, message) is not None
        )


def _loosely(text: str) -> str:
    """A pattern for source text however it is spaced or parenthesized (``x**2``, ``(x) ** 2``)."""
    return r"[\s()]*".join(re.escape(c) for c in text if c not in " ()")


def _op_pattern(graph: Graph, emitted: Emitted, index: int) -> str:
    """The op's text as written; an operand written inline may be abbreviated (``Dense(...)``)."""
    text = emitted.step_texts[index]
    for tensor in graph.steps[index].inputs:
        if graph.step_of(tensor) in emitted.inlined:
            text = text.replace(emitted.tensor_names[tensor], "\0")
    return ".+?".join(_loosely(part) for part in text.split("\0"))


def sequential_obstacles(graph: Graph, emitted: Emitted) -> list[Obstacle]:
    lines = emitted.step_lines
    found: list[Obstacle] = []
    model = emitted.model_lines
    for what, count in (("inputs", len(graph.inputs)), ("outputs", len(graph.outputs))):
        if count > 1:
            found.append(Obstacle(f"{count} {what}", rf"\b{count} {what}\b", model))
    for index, step in enumerate(graph.steps):
        line = lines[index]
        if step.kind == "op":
            what = f"op `{emitted.step_texts[index]}` (line {line})"
            found.append(Obstacle(what, _op_pattern(graph, emitted, index), frozenset({line})))
        elif step.layer is not None and step.layer.cls in MERGES:
            what = f"{step.layer.cls} of {len(step.inputs)} tensors (line {line})"
            pattern = rf"(?i:\b{step.layer.cls}\b).*\bmerges {len(step.inputs)} tensors"
            found.append(Obstacle(what, pattern, frozenset({line})))
        if step.shares is None and step.kind != "op" and len(graph.calls_of(index)) > 1:
            calls = frozenset(lines[i] for i in graph.calls_of(index))
            found.append(Obstacle(f"shared layer of line {line}", r"\bshared\b", calls, calls))
    for tensor in range(len(graph.inputs) + len(graph.steps)):
        users = graph.consumers(tensor)
        if len(users) > 1:
            names = {emitted.tensor_names[tensor]}  # as written: t3, x, inputs["in_0"]
            where = frozenset(lines[u] for u in users)
            producer = graph.step_of(tensor)
            made = {emitted.input_lines[tensor]} if producer is None else {lines[producer]}
            if producer is None:  # or its key, or inputs_0 for inputs[0]
                names |= {input_name(graph, tensor), f"inputs_{tensor}"}
                if emitted.call_line:
                    made.add(emitted.call_line)  # a subclass's input comes from call()'s parameter
            written = "|".join(re.escape(name) for name in sorted(names))
            pattern = rf"`(?:{written})`.*\bfeeds {len(users)} steps\b"
            what = f"`{min(names)}` (line {min(made)}) used by {len(users)} steps"
            found.append(Obstacle(what, pattern, where, where | made))
    return found


def unmatched(
    obstacles: list[Obstacle], reasons: list[tuple[int, str]]
) -> tuple[list[Obstacle], list[tuple[int, str]]]:
    """Obstacles no reason explains, and reasons that explain no obstacle."""
    missing = [o for o in obstacles if not any(o.matches(*r) for r in reasons)]
    extra = [r for r in reasons if not any(o.matches(*r) for o in obstacles)]
    return missing, extra
