"""A block or unit kind written as a helper function, and its calls: one per block, or a loop
over a run. A block's helper calls the unit helpers.

What differs between the kind's blocks becomes a parameter; layer names that share a pattern
(``conv2_block1_1_conv``, ``conv3_block4_1_conv``) become one ``name`` parameter and f-strings, so
every layer keeps its name and weights saved by name still load.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kcodegen.saved.arguments import (
    Argument,
    auto_name,
    layer_constructor,
    snake_case,
    string_text,
)
from kcodegen.saved.blocks import Kind
from kcodegen.saved.config_graph import SavedModel, TensorKey
from kcodegen.saved.context import Context
from kcodegen.saved.layer_names import Numbered, Pattern, name_pattern, numbered_names
from kcodegen.saved.naming import RESERVED, Scope
from kcodegen.saved.statements import Names, Statement, bind
from kcodegen.saved.steps import call_statement, op_statement

_INTEGER = re.compile(r"\d+")
_WORD = re.compile(r"[A-Za-z]+")
_SEPARATORS = "_/.-"
# Short words for the layers a unit's name is made of.
_SHORT = {
    "Conv1D": "conv",
    "Conv2D": "conv",
    "Conv3D": "conv",
    "SeparableConv2D": "sep_conv",
    "DepthwiseConv2D": "dw_conv",
    "Dense": "dense",
    "BatchNormalization": "bn",
    "LayerNormalization": "ln",
    "Activation": "act",
    "ReLU": "relu",
    "ZeroPadding2D": "pad",
    "Dropout": "dropout",
}


@dataclass
class Helper:
    """A kind's function: its text, and the values each block passes it."""

    function: str
    text: str
    tensors: int  # how many tensors it takes first
    parameters: list[str] = field(default_factory=list)
    values: list[list[str]] = field(default_factory=list)  # per block, per parameter

    def call(self, block: int, reads: Sequence[str]) -> str:
        keywords = (f"{p}={v}" for p, v in zip(self.parameters, self.values[block], strict=True))
        return f"{self.function}({', '.join([*reads, *keywords])})"


@dataclass(frozen=True)
class Units:
    """The unit helpers, and each call's place in a unit: (unit kind, instance, position)."""

    kinds: Sequence[Kind]
    helpers: Sequence[Helper]
    member: dict[int, tuple[int, int, int]]


class _Parameters:
    """A helper's parameters: one per column of values that differ between its blocks (shared
    by equal columns), the name parameter first claimed when the layer names have a pattern."""

    def __init__(
        self, local: Scope, pattern: Pattern | None, numbered: dict[tuple[str, ...], Numbered]
    ) -> None:
        self.local = local
        self.pattern = pattern
        self.numbered = numbered
        self.names: dict[tuple[str, tuple[str, ...]], str] = {}
        self.columns: list[tuple[str, ...]] = []
        self.name: str | None = None
        if pattern is not None:
            self.name = self.add(_name_parameter(pattern[2]), pattern[2], claim=True)

    def add(self, key: str, texts: tuple[str, ...], claim: bool = False) -> str:
        if (key, texts) not in self.names:
            made = self.local.claim(key) if claim else self.local.fresh(key)
            self.names[(key, texts)] = made
            self.columns.append(texts)
        return self.names[(key, texts)]

    def text(self, key: str, texts: tuple[str, ...]) -> str:
        """The code for a value: itself when every block passes the same, an f-string of the
        name parameter when it is made from the blocks' names, else a parameter."""
        if len(set(texts)) == 1:
            return texts[0]
        if self.pattern is not None and self.name is not None:
            derived = _derived(texts, self.pattern[2], self.name)
            if derived is not None:
                return derived
        return self.number(texts) or self.add(key, texts)

    def number(self, texts: tuple[str, ...]) -> str | None:
        """An automatic name from the parameter it shares with others (``numbered_names``)."""
        if texts not in self.numbered:
            return None
        key, values, before, offset = self.numbered[texts]
        parameter = self.add(key, values)
        return _f_string((before, ""), f"{parameter} + {offset}" if offset else parameter)


def write_helper(
    model: SavedModel, kind: Kind, context: Context, scope: Scope, units: Units | None = None
) -> Helper:
    """The helper of a block kind, calling ``units`` where its blocks have them; without
    ``units``, the helper of a unit kind (named from its layers' classes)."""
    instances = kind.instances
    first = instances[0]
    local = Scope(RESERVED | {h.function for h in units.helpers} if units else RESERVED)
    tensor_names = _tensor_parameters(model, kind, local)
    rows = [[_name(model, i) for i in inst.calls] for inst in kind.instances]
    # Keras's automatic names count layers of the whole model: they share no part with the rest.
    autos = {string_text(n) for n, layer in model.layers.items() if auto_name(n, layer.class_name)}
    pattern = name_pattern(rows) or name_pattern(
        [[None if n is None or string_text(n) in autos else n for n in row] for row in rows]
    )
    columns = [c for c in _name_columns(model, kind, units) if autos.issuperset(c)]
    parameters = _Parameters(local, pattern, numbered_names(columns))
    statements = []
    for position, index in enumerate(first.calls):
        unit = units.member.get(index) if units else None
        if units is not None and unit is not None:
            if unit[2] == 0:
                statements.append(_unit_call(model, kind, position, units, parameters))
            continue
        call = model.calls[index]
        layer = model.layers[call.layer]
        writes = _writes(model, call.layer, call.node)
        hint = snake_case(layer.class_name)
        if layer.kind == "op":
            context.uses_ops = True
            statements.append(op_statement(call, layer, writes, hint))
            continue
        made = [
            layer_constructor(
                model.layers[model.calls[inst.calls[position]].layer].entry,
                context.keras_version,
                context.custom_modules,
            )
            for inst in instances
        ]
        if made[0].import_line:
            context.imports.add(made[0].import_line)
        written = []
        for argument in made[0].arguments:
            texts = tuple(_text(m.arguments, argument.key) for m in made)
            frame = pattern[0][position] if pattern is not None else None
            if argument.key == "name" and frame is not None:
                text = _f_string(frame, parameters.name or "name", pattern)
            elif argument.key == "name" and (numbered := parameters.number(texts)) is not None:
                text = numbered
            elif len(set(texts)) > 1:
                text = parameters.add(argument.key, texts)
            elif argument.default:
                continue
            else:
                text = argument.text
            written.append(text if argument.positional else f"{argument.key}={text}")
        callee = f"{made[0].callee}({', '.join(written)})"
        statements.append(call_statement(call, layer, callee, writes, hint))
    names: dict[object, str] = dict(zip(first.reads, tensor_names, strict=True))
    body = bind(statements, local, names, first.writes)
    returned = ", ".join(names[t] for t in first.writes)
    function = scope.fresh(_function_name(model, kind, units is None))
    order = list(parameters.names.values())
    ordered = [p for p in order if p != parameters.name]
    ordered += [parameters.name] if parameters.name else []
    text = "\n".join(
        [f"def {function}({', '.join([*tensor_names, *ordered])}):"]
        + [f"    {line}" for line in body]
        + [f"    return {returned}"]
    )
    values = [
        [parameters.columns[order.index(p)][n] for p in ordered] for n in range(len(instances))
    ]
    return Helper(function, text, len(tensor_names), ordered, values)


def _unit_call(
    model: SavedModel, kind: Kind, position: int, units: Units, parameters: _Parameters
) -> Statement:
    """The call of a unit in a block's helper: what its blocks pass it that differs becomes
    the block's parameter."""
    places = [units.member[inst.calls[position]] for inst in kind.instances]
    unit, helper = units.kinds[places[0][0]], units.helpers[places[0][0]]
    instance = unit.instances[places[0][1]]
    keywords = []
    for p, key in enumerate(helper.parameters):
        text = parameters.text(key, tuple(helper.values[place[1]][p] for place in places))
        keywords.append(f"{key}={text}")

    def render(names: Names) -> str:
        return f"{helper.function}({', '.join([*map(names, instance.reads), *keywords])})"

    last = model.layers[model.calls[instance.calls[-1]].layer]
    return Statement(
        list(instance.reads), list(instance.writes), render, snake_case(last.class_name)
    )


def _name_columns(model: SavedModel, kind: Kind, units: Units | None) -> list[tuple[str, ...]]:
    """Per layer of the kind, its name in each block as code; per unit it calls, each of its
    parameters' values."""
    instances = kind.instances
    columns = []
    for position, index in enumerate(instances[0].calls):
        unit = units.member.get(index) if units else None
        if units is not None and unit is not None:
            if unit[2] == 0:
                places = [units.member[inst.calls[position]] for inst in instances]
                values = units.helpers[unit[0]].values
                columns += [
                    tuple(v) for v in zip(*(values[place[1]] for place in places), strict=True)
                ]
        elif _name(model, index) is not None:
            columns.append(
                tuple(string_text(model.calls[i.calls[position]].layer) for i in instances)
            )
    return columns


def _tensor_parameters(model: SavedModel, kind: Kind, local: Scope) -> list[str]:
    """``x`` for a block read once, ``inputs`` when it reads its input twice (a residual);
    ``x0``, ``x1`` ... for several (never ``x``: the chain inside the helper rebinds it)."""
    first = kind.instances[0]
    reads = [t for i in first.calls for t in model.calls[i].tensors()]
    if len(first.reads) == 1:
        return [local.claim("x" if reads.count(first.reads[0]) == 1 else "inputs")]
    return [local.fresh(f"x{n}") for n in range(len(first.reads))]


def _writes(model: SavedModel, layer: str, node: int) -> list[TensorKey]:
    top = max(
        (t.index for c in model.calls for t in c.tensors() if (t.layer, t.node) == (layer, node)),
        default=0,
    )
    return [TensorKey(layer, node, i) for i in range(top + 1)]


def _text(arguments: Sequence[Argument], key: str) -> str:
    return next((a.text for a in arguments if a.key == key), "None")


def _name(model: SavedModel, index: int) -> str | None:
    """The name code writes for a call's layer; None for an op (Keras names those)."""
    layer = model.layers[model.calls[index].layer]
    return None if layer.kind == "op" else layer.name


def _f_string(frame: tuple[str, str] | None, parameter: str, pattern: Pattern | None = None) -> str:
    """``f"{name}_1"``; the parameter itself when it is the whole name (a string)."""
    before, after = frame or ("", "")
    if not before and not after and pattern is not None and not pattern[1]:
        return parameter
    return f'f"{before}{{{parameter}}}{after}"'


def _function_name(model: SavedModel, kind: Kind, unit: bool) -> str:
    """A unit by its layers' classes (``conv_bn_act``); a block by its first layer's name, a
    cell by its last one its author named (``normal_concat_0``: ``normal_block``)."""
    calls = [model.calls[i] for i in kind.instances[0].calls]
    if unit:
        words = [_SHORT.get(model.layers[c.layer].class_name) for c in calls]
        known = list(dict.fromkeys(w for w in words if w))
        return "_".join(known[:3]) if known else "unit"
    layer = calls[0].layer
    if kind.at_end:
        named = [c.layer for c in calls if not auto_name(c.layer, model.layers[c.layer].class_name)]
        layer = named[-1] if named else calls[-1].layer
    word = _WORD.match(layer)
    base = word.group(0).lower() if word else "block"
    return base if base.endswith("block") else f"{base}_block"


def _name_parameter(values: tuple[str, ...]) -> str:
    """``block_id`` for numbers, ``suffix`` for what Keras adds to a name (``"_5"``)."""
    if not values[0].startswith('"'):
        return "block_id"
    if all(v == '""' or v[1] in _SEPARATORS for v in values):
        return "suffix"
    return "name"


def _derived(texts: tuple[str, ...], middles: tuple[str, ...], parameter: str) -> str | None:
    """``f"{name}_1"`` when each text is its block's name part with the same text around."""
    words = [_plain_string(t) for t in texts]
    parts = [m[1:-1] if m.startswith('"') else m for m in middles]
    if any(w is None for w in words) or not parts[0] or parts[0] not in (words[0] or ""):
        return None
    before, _, after = (words[0] or "").partition(parts[0])
    if any(w != f"{before}{m}{after}" for w, m in zip(words, parts, strict=True)):
        return None
    if not before and not after and middles[0].startswith('"'):
        return parameter
    return _f_string((before, after), parameter)


def _plain_string(text: str) -> str | None:
    """The string a literal writes, when it needs no escapes (so it can go in an f-string)."""
    if len(text) >= 2 and text[0] == text[-1] == '"' and not set(text[1:-1]) & set('"\\{}'):
        return text[1:-1]
    return None


def loop_statement(
    helper: Helper,
    blocks: range,
    reads: list[TensorKey],
    writes: list[TensorKey],
    scope: Scope,
    hint: str,
) -> Statement:
    """``for filters, name in [...]: x = block(x, filters=filters, name=name)``."""
    columns = [[helper.values[b][p] for b in blocks] for p in range(len(helper.parameters))]
    varying = [p for p, column in enumerate(columns) if len(set(column)) > 1]
    counted = _counted(columns, varying)

    def render(names: Names, tensor: str) -> str:
        first = "" if names(reads[0]) == tensor else f"{tensor} = {names(reads[0])}\n"
        targets = []
        values = list(helper.values[blocks[0]])
        if counted is not None:
            start, texts = counted
            index = scope.loop_variable("i")
            header = f"for {index} in range({start}, {start + len(blocks)}):"
            for p, text in texts.items():
                values[p] = index if text == "{}" else text.replace("{}", f"{{{index}}}")
        elif not varying:
            header = f"for _ in range({len(blocks)}):"
        else:
            for p in varying:
                targets.append(scope.loop_variable(helper.parameters[p]))
                values[p] = targets[-1]
            # One varying value is the row itself: ``for name in ["a", "b"]``, no 1-tuples.
            rows = ", ".join(
                columns[varying[0]][n]
                if len(varying) == 1
                else "(" + ", ".join(columns[p][n] for p in varying) + ")"
                for n in range(len(blocks))
            )
            header = f"for {', '.join(targets)} in [{rows}]:"
        keywords = (f"{p}={v}" for p, v in zip(helper.parameters, values, strict=True))
        call = f"{helper.function}({', '.join([tensor, *keywords])})"
        return f"{first}{header}\n    {tensor} = {call}"

    return Statement(list(reads), list(writes), str, hint, render_whole=render)


def _counted(columns: list[list[str]], varying: list[int]) -> tuple[int, dict[int, str]] | None:
    """When every varying value counts up by one from the same start (``2``, ``"conv2_block2"``
    ...), that start and each parameter's text with ``{}`` for the count."""
    start = None
    texts = {}
    for p in varying:
        column = columns[p]
        found = _counting(column)
        if found is None or (start is not None and found[0] != start):
            return None
        start, texts[p] = found
    return (start, texts) if start is not None else None


def _counting(column: list[str]) -> tuple[int, str] | None:
    if all(_INTEGER.fullmatch(v) for v in column):
        numbers = [int(v) for v in column]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return numbers[0], "{}"
        return None
    if not all(v.startswith('"') for v in column):
        return None
    for match in _INTEGER.finditer(column[0]):
        before, after = column[0][: match.start()], column[0][match.end() :]
        first = int(match.group(0))
        expected = [f"{before}{first + n}{after}" for n in range(len(column))]
        if expected == column and "{" not in before + after:
            return first, f"f{before}{{}}{after}"
    return None
