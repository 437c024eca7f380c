"""What each call of a helper passes its block class where the calls differ: a layer argument
the helper computes from a tensor (``given_by_calls``), or the block class a helper it calls
folded into (``chosen_classes``). NASNet's cells call ``_adjust_block``, whose ``if``/``elif``
chain folds per branch into ``AdjustBlock1`` and ``AdjustBlock2``: a cell holds one or the other,
by where it stands in the model. One class stands for the cells all the same: it takes the class
as a parameter (``adjust_block=AdjustBlock1``) and makes its layer from it, each call passing
its own (``NormalACell(44, block_id="1", adjust_block=AdjustBlock2)``). And where a call was
given ``None`` for a tensor the others were given (NASNet's first cell, ``p=None``), the calls
that agree fold without it (``alike_calls``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kcodegen.codegen.block_calls import Call
from kcodegen.codegen.keys import names_in
from kcodegen.frontend.syntax import is_literal
from kcodegen.ir import ArgScope, Invocation, LayerSpec, ModelGraph, Node

# what a call passes per parameter, as (parameter, text)
Passed = dict[str, tuple[tuple[str, str], ...]]


def alike_calls(calls: list[Invocation]) -> list[list[Invocation]]:
    """Where the calls of a helper do not fold together, the groups of two or more given tensors
    for the same parameters, which may; empty when that splits nothing."""
    groups: dict[tuple[str, ...], list[Invocation]] = {}
    for call in calls:
        groups.setdefault(call.tensor_parameters, []).append(call)
    return [group for group in groups.values() if len(group) > 1] if len(groups) > 1 else []


def chosen_classes(
    graph: ModelGraph, calls: list[Call], made: set[str], taken: set[str]
) -> tuple[list[Call], dict[str, tuple[str, str]], Passed]:
    """The calls with each block class that differs between them, at the same place and made
    with the same arguments, read as a parameter of the class; per layer id, that parameter and
    its default (the first call's class); per call, the class it passes."""
    chosen: dict[str, tuple[str, str]] = {}
    passed: dict[str, list[tuple[str, str]]] = {}
    keys = [dict(_parts(call)) for call in calls]
    taken = set(taken)
    for part in keys[0]:
        if any(part not in k for k in keys) or len({len(k[part]) for k in keys}) != 1:
            continue
        for index, first in enumerate(keys[0][part]):
            entries = [k[part][index] for k in keys]
            if not _differs_in_class(entries, made):
                continue
            found = [_layer_at(graph, call, part, index) for call in calls]
            parameter = _parameter(found, taken)
            if parameter is None:
                continue
            for call, k, layer in zip(calls, keys, found, strict=True):
                chosen[layer.id] = (parameter, first[1])
                passed.setdefault(call.invocation.id, []).append((parameter, layer.cls))
                entry = k[part][index]
                k[part] = (
                    *k[part][:index],
                    (entry[0], ("chosen", parameter), *entry[2:]),
                    *k[part][index + 1 :],
                )
    if not chosen:
        return calls, {}, {}
    renewed = [
        replace(call, key=k[None], branches={line: k.get(line) for line in call.branches})
        for call, k in zip(calls, keys, strict=True)
    ]
    return renewed, chosen, {call: tuple(values) for call, values in passed.items()}


def _parts(call: Call) -> list[tuple[int | None, tuple]]:
    """The call's key by part (None: outside its ``if``s), for the parts it took."""
    parts = [(line, branch) for line, branch in call.branches.items() if branch is not None]
    return [(None, call.key), *parts]


def _differs_in_class(entries: list[object], made: set[str]) -> bool:
    """Whether the entries make layers alike but for their block classes."""
    first = entries[0]
    if not (isinstance(first, tuple) and first[:1] == ("layer",)):
        return False
    classes = {e[1] for e in entries if isinstance(e, tuple) and len(e) == len(first)}
    if len(classes) < 2 or not classes <= made:
        return False
    return all(e[2:] == first[2:] for e in entries)  # type: ignore[index]


def _parameter(layers: list[LayerSpec], taken: set[str]) -> str | None:
    """The parameter a class takes for the layers' class: the helper they fold (``adjust_block``
    for ``_adjust_block``), when all name the same one."""
    names = {layer.var_name or "" for layer in layers}
    name = names.pop().lstrip("_") if len(names) == 1 else ""
    if not name.isidentifier() or name in taken:
        return None
    taken.add(name)
    return name


def _layer_at(graph: ModelGraph, call: Call, part: int | None, index: int) -> LayerSpec:
    """The layer whose entry is at ``index`` of the call's key part: the entry before its first
    call's."""
    step = next(
        s for s in call.steps if isinstance(s, Node) and call.entries.get(s.id) == (part, index + 1)
    )
    return graph.layer_by_id[step.layer]


def given_by_calls(
    graph: ModelGraph, calls: list[Call], reserved: frozenset[str]
) -> tuple[list[Call], dict[str, dict[str, str]], dict[str, tuple[tuple[str, str], ...]]]:
    """A layer argument the helper computes from a tensor (EfficientNet's ``padding=
    correct_pad(x, kernel_size)``), written as its value, that differs between the calls: no
    class computes it where it makes its layers, so each call passes it, by keyword, as the
    class's own parameter. The calls with it as that parameter in their keys; per layer id, its
    keyword -> the parameter; per call, what it passes."""
    invocation = calls[0].invocation
    taken = {name for name, _ in invocation.parameters or ()} | set(reserved)
    taken |= {name for name, _ in invocation.derived}
    given: dict[str, dict[str, str]] = {}
    passed: dict[str, list[tuple[str, str]]] = {}
    keys: list[dict[int | None, Any]] = [  # each call's key, by part: None for outside its ifs
        {part: (c.key if part is None else c.branches[part]) for part in (None, *c.branches)}
        for c in calls
    ]
    for part in (None, *calls[0].branches):
        having = [i for i, c in enumerate(calls) if keys[i][part] is not None]
        if len({len(keys[i][part]) for i in having}) != 1:
            continue
        for index in range(len(keys[having[0]][part])):
            entries = [keys[i][part][index] for i in having]
            first = entries[0]
            if not (isinstance(first, tuple) and first[:1] == ("layer",)) or all(
                e == first for e in entries
            ):
                continue
            if any(
                e[:3] != first[:3] or [k for k, _ in e[3]] != [k for k, _ in first[3]]
                for e in entries
            ):
                continue
            layers = [_layer_at(graph, calls[i], part, index) for i in having]
            for position, (keyword, _) in enumerate(first[3]):
                values = [e[3][position][1] for e in entries]
                if len(set(values)) == 1 or not all(
                    _reads_a_tensor(graph, calls[i], layer, keyword)
                    for i, layer in zip(having, layers, strict=True)
                ):
                    continue
                if not all(is_literal(v) for v in values):
                    continue
                parameter = keyword if keyword not in taken else f"{keyword}_{index}"
                while parameter in taken:
                    parameter += "_"
                taken.add(parameter)
                for i, layer, value in zip(having, layers, values, strict=True):
                    given.setdefault(layer.id, {})[keyword] = parameter
                    passed.setdefault(calls[i].invocation.id, []).append((parameter, value))
                    entry = keys[i][part][index]
                    kwargs = tuple(
                        (k, ("given", parameter) if k == keyword else v) for k, v in entry[3]
                    )
                    keys[i][part] = (
                        *keys[i][part][:index],
                        (*entry[:3], kwargs, *entry[4:]),
                        *keys[i][part][index + 1 :],
                    )
    if not given:
        return calls, {}, {}
    renewed = [
        replace(
            call,
            key=keys[i][None],
            branches={line: keys[i][line] for line in call.branches},
        )
        for i, call in enumerate(calls)
    ]
    return renewed, given, {call: tuple(values) for call, values in passed.items()}


def _reads_a_tensor(graph: ModelGraph, call: Call, layer: LayerSpec, keyword: str) -> bool:
    """Whether the helper's text for the layer's ``keyword`` reads one of the call's tensors."""
    written = layer.written_in(ArgScope.FUNCTION)
    text = dict(written.kwargs).get(keyword) if written is not None else None
    if text is None:
        return False
    made = {graph.tensor_by_id[t].name_hint for step in call.steps for t in step.outputs}
    return bool(names_in([text]) & (made | set(call.tensors)) - {None})
