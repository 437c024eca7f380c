"""A block class for a helper none of whose calls took every ``if`` of its body.

MobileNetV2's ``_inverted_res_block`` expands unless it is the first block, pads where it strides,
and adds its input back where the shape allows: the first call skips the expansion, and a striding
call never adds. No one call holds the whole class, but together they do. The class is stitched
from them: the steps outside the ``if``s from one call, each ``if``'s body from a call that took
it, with the tensors each reads mapped onto the class's.

Calls compare by their keys (``block_calls``). After an ``if`` it took, a call reads what the body
made, as ``("phi", line)``; after one it skipped, what the ``if``'s variable held before it, as the
interpreter saw it (``Condition.held``). Where one call reads a ``phi``, each other must read the
same or that. Every call must make the same thing outside the ``if``s, and the calls that took an
``if`` the same inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from kcodegen.codegen.block_calls import Call, with_tensors_renamed
from kcodegen.ir import Condition, ModelGraph, Node, Op

_FAIL = object()
Ref = tuple  # ("parameter", name), ("step", line, index, position) or ("phi", line)


@dataclass
class _Held:
    """What a call's variable held before each ``if``, as references: ``raw`` as the call reads it
    (for the ``if``s it skipped), and ``before`` with what a skipped ``if`` left as its phi."""

    raw: dict[int, Ref]
    before: dict[int, Ref]


def composite(graph: ModelGraph, calls: list[Call]) -> tuple[Call, dict[int, str]] | None:
    """One call that took every ``if``, made of the steps of ``calls``, and per ``if`` what the
    class reads when its test does not hold; None when the calls do not make one class."""
    lines = list(calls[0].branches)
    takers = {line: [c for c in calls if c.branches[line] is not None] for line in lines}
    if any(not found for found in takers.values()):
        return None  # an ``if`` no call took: its body is not in the graph to write
    variables = {line: _variable(graph, takers[line], line) for line in lines}
    returning = {
        line
        for line in lines
        if all(c.results[line] == c.invocation.returned[0] for c in takers[line])
        and _condition(takers[line][0], line).returns
    }
    helds = [_held(call, lines, variables, returning) for call in calls]
    merged: dict[int | None, tuple] = {}
    for part in (None, *lines):
        having = [
            i for i, call in enumerate(calls) if part is None or call.branches[part] is not None
        ]
        entry = _merged(
            [calls[i].key if part is None else calls[i].branches[part] for i in having],
            [helds[i].raw for i in having],
        )
        if not isinstance(entry, tuple):
            return None
        merged[part] = entry
    base = max(calls, key=lambda c: sum(b is not None for b in c.branches.values()))
    chosen: dict[int | None, Call] = {None: base}
    for position, line in enumerate(lines):
        earlier = lines[:position]
        chosen[line] = (
            base
            if base.branches[line] is not None
            else max(takers[line], key=lambda c: sum(c.branches[e] is not None for e in earlier))
        )
    results = {line: chosen[line].results[line] for line in lines}

    def tensor_of(ref: object) -> str | None:
        if not _is_ref(ref):
            return None
        assert isinstance(ref, tuple)
        if ref[0] == "phi":
            return results[ref[1]]
        if ref[0] == "parameter":
            return base.tensors.get(ref[1])
        return chosen[ref[1]].refs.get(ref)

    steps = _stitched(chosen, lines, merged, tensor_of)
    if steps is None:
        return None
    read_instead = _read_instead(lines, helds, tensor_of)
    returned = tensor_of(merged[None][-1][1])  # the key ends ("returns", ref)
    if read_instead is None or returned is None:
        return None
    conditions = tuple(
        replace(
            _condition(chosen[line], line),
            taken=True,
            held=((variables[line] or "", read_instead[line]),),
        )
        for line in lines
    )
    made = Call(
        replace(base.invocation, conditions=conditions, returned=(returned,)),
        [step for _, step in steps],
        list(dict.fromkeys(graph.layer_by_id[s.layer] for _, s in steps if isinstance(s, Node))),
        base.tensors,
        merged[None],
        {line: merged[line] for line in lines},
        results,
        {line: [s.id for part, s in steps if part == line] for line in lines},
        {},
        {},
    )
    return made, read_instead


def _condition(call: Call, line: int) -> Condition:
    return next(c for c in call.invocation.conditions if c.line == line)


def _variable(graph: ModelGraph, takers: list[Call], line: int) -> str | None:
    """The variable the ``if`` rebinds, as every call that took it names its result."""
    names = {graph.tensor_by_id[call.results[line]].name_hint for call in takers}
    return names.pop() if len(names) == 1 else None


def _held(
    call: Call, lines: list[int], variables: dict[int, str | None], returning: set[int]
) -> _Held:
    """What the ``if``'s variable held before each ``if``, as the interpreter saw it; for an
    ``if`` that returns, what the call returned when it skipped it."""
    local = {tensor: ref for ref, tensor in call.refs.items()}
    made = {tensor: line for line, tensor in call.results.items()}
    raw: dict[int, Ref] = {}
    before: dict[int, Ref] = {}
    for line in lines:
        variable = variables[line]
        tensor = dict(_condition(call, line).held).get(variable or "")
        if line in returning:  # ``if ...: return layers.Add()([inputs, x])``, then ``return x``
            variable, tensor = "", None if call.branches[line] else call.invocation.returned[0]
        if variable is None or tensor is None:
            continue
        ref: Ref | None = ("phi", made[tensor]) if tensor in made else local.get(tensor)  # type: ignore[assignment]
        if ref is None:
            continue
        skipped = [e for e in raw if variables[e] == variable and raw[e] == ref]
        before[line] = ("phi", skipped[-1]) if skipped else ref
        if call.branches[line] is None:
            raw[line] = ref
    return _Held(raw, before)


def _is_ref(entry: object) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) in (2, 4)
        and entry[0] in ("phi", "parameter", "step")
    )


def _merged(values: list[object], skipped: list[dict[int, Ref]]) -> object:
    """The calls' key entries as one: where one reads what an ``if`` made (``("phi", line)``),
    each other must read the same or, having skipped that ``if``, what its variable held before it
    (``skipped``). ``_FAIL`` where they differ otherwise."""
    first = values[0]
    if all(value == first for value in values):
        return first
    phis = [v[1] for v in values if _is_ref(v) and v[0] == "phi"]  # type: ignore[index]
    if phis:
        phi = ("phi", max(phis))
        agree = all(v == phi or skipped[i].get(phi[1]) == v for i, v in enumerate(values))
        return phi if agree else _FAIL
    if any(_is_ref(v) or not isinstance(v, tuple) or len(v) != len(first) for v in values):  # type: ignore[arg-type]
        return _FAIL
    items = tuple(_merged([v[k] for v in values], skipped) for k in range(len(first)))  # type: ignore[arg-type,index]
    return _FAIL if any(item is _FAIL for item in items) else items


def _stitched(
    chosen: dict[int | None, Call],
    lines: list[int],
    merged: dict[int | None, tuple],
    tensor_of: Callable[[object], str | None],
) -> list[tuple[int | None, Node | Op]] | None:
    """Each part's steps from the call chosen for it, reading the class's tensors, in the order
    they run, with the part each belongs to."""
    placed: list[tuple[tuple[int, ...], int | None, Node | Op]] = []
    for part, call in chosen.items():
        raw = call.key if part is None else call.branches[part]
        assert raw is not None
        outside = 0
        for step in call.steps:
            line, index = call.entries[step.id]
            if line == part:
                mapping: dict[str, str] = {}
                if not _mapped(raw[index], merged[part][index], call, tensor_of, mapping):
                    return None
                order = (outside, 1) if part is None else (outside, 0, lines.index(part))
                placed.append((order, part, with_tensors_renamed(step, mapping)))
            outside += line is None
    placed.sort(key=lambda item: item[0])  # stable: each part's steps stay in their order
    return [(part, step) for _, part, step in placed]


def _mapped(
    raw: object,
    merged: object,
    call: Call,
    tensor_of: Callable[[object], str | None],
    mapping: dict[str, str],
) -> bool:
    """Record in ``mapping`` the class's tensor for each tensor ``raw`` (the call's key entry)
    reads, where ``merged`` says what the class reads there."""
    if _is_ref(raw):
        assert isinstance(raw, tuple)
        tensor = call.results.get(raw[1]) if raw[0] == "phi" else call.refs.get(raw)
        target = tensor_of(merged)
        if tensor is None or target is None:
            return False
        return mapping.setdefault(tensor, target) == target
    if isinstance(raw, tuple) and isinstance(merged, tuple) and len(raw) == len(merged):
        return all(
            _mapped(a, b, call, tensor_of, mapping) for a, b in zip(raw, merged, strict=True)
        )
    return raw == merged


def _read_instead(
    lines: list[int], helds: list[_Held], tensor_of: Callable[[object], str | None]
) -> dict[int, str] | None:
    """Per ``if``: the tensor the class reads when its test does not hold. Every call must agree
    on what the ``if``'s variable held before it."""
    found: dict[int, str] = {}
    for line in lines:
        refs = {held.before[line] for held in helds if line in held.before}
        tensor = tensor_of(refs.pop()) if len(refs) == 1 else None
        if tensor is None:
            return None
        found[line] = tensor
    return found
