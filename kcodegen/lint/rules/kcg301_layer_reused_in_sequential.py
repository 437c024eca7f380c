"""KCG301: one layer instance placed twice in a Sequential model."""

from __future__ import annotations

import ast
from collections import Counter, defaultdict
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import finding, index
from kcodegen.lint.rules._sequential import sequential_calls, sequential_names


class LayerReusedInSequential(Rule):
    """What it finds: the same layer object put into a Sequential model more than once: a name
    listed twice, a list multiplied (``[layers.Dense(64)] * 3``), the same variable passed to
    ``.add()`` twice or inside a loop.

    Why it matters: it is one layer with one set of weights, applied several times, not several
    layers: ``[Dense(64)] * 3`` builds a model with a third of the parameters the author meant,
    and nothing warns. Build a new layer for each position (a list comprehension does). When
    sharing is intended, the Functional API states it openly.

    Example:
        model = keras.Sequential([keras.Input(shape=(64,))] + [layers.Dense(64)] * 3)

    Use instead:
        model = keras.Sequential(
            [keras.Input(shape=(64,))] + [layers.Dense(64) for _ in range(3)]
        )
    """

    code = "KCG301"
    name = "layer-reused-in-sequential"
    message = "this layer object is already in the Sequential model; its weights are shared"
    needs = "text"
    triggers = ("Sequential",)

    VALID = (
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential([layers.Dense(64) for _ in range(3)])\n",
        "import keras\nfrom keras import layers\n\nmodel = keras.Sequential()\n"
        "for units in (64, 32):\n    dense = layers.Dense(units)\n    model.add(dense)\n",
        "import keras\nfrom keras import layers\n\nmodel = keras.Sequential()\n"
        "dense = layers.Dense(4)\nmodel.add(dense)\ndense = layers.Dense(4)\nmodel.add(dense)\n",
        "import keras\n\nmodel = keras.Sequential([keras.layers.Dense(2)] + extra * 2)\n",
    )
    INVALID = (
        Invalid(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(64,))] + [layers.Dense(64)] * 3)\n",
            4,
        ),
        Invalid(
            "import keras\n\ndense = keras.layers.Dense(8)\n"
            "model = keras.Sequential([dense, keras.layers.ReLU(),\n    dense])\n",
            5,
        ),
        Invalid(
            "from keras.models import Sequential\nfrom keras.layers import Dense\n\n"
            "hidden = Dense(32)\nmodel = Sequential()\nfor _ in range(3):\n    model.add(hidden)\n",
            7,
        ),
        Invalid(
            "from keras.models import Sequential\nfrom keras.layers import Dense\n\n"
            "def build(layer):\n    model = Sequential()\n    model.add(layer)\n"
            "    model.add(Dense(2))\n    model.add(layer)\n    return model\n",
            8,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        for call in sequential_calls(found):
            if call.args:
                yield from self._repeated_in_list(ctx, call.args[0])
        names = sequential_names(found)
        adds = Counter(found.scope_of(call) for call in found.calls if _is_add(call, names))
        for scope in _scopes(ctx.tree) if adds else ():  # only where a layer is added
            if adds[id(scope) if scope is not ctx.tree else 0]:
                yield from self._repeated_adds(ctx, scope, names)

    def _repeated_in_list(self, ctx: LintContext, layers: ast.expr) -> Iterator[Finding]:
        for node in ast.walk(layers):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                listed = [side for side in (node.left, node.right) if isinstance(side, ast.List)]
                if len(listed) == 1 and listed[0].elts:
                    message = "multiplying a list repeats the same layer objects; build one layer per position"
                    yield finding(self, ctx, node, message)
            elif isinstance(node, ast.List):
                seen: set[str] = set()
                for item in node.elts:
                    if isinstance(item, ast.Name):
                        if item.id in seen:
                            yield finding(
                                self,
                                ctx,
                                item,
                                f"`{item.id}` is already in this Sequential; its weights are shared",
                            )
                        seen.add(item.id)

    def _repeated_adds(
        self, ctx: LintContext, scope: ast.AST, sequentials: set[str]
    ) -> Iterator[Finding]:
        stores: dict[str, int] = defaultdict(int)
        adds: dict[tuple[str, str], list[tuple[ast.Call, list[ast.AST]]]] = defaultdict(list)
        for node, loops in _walk_scope(scope):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stores[node.id] += 1
            elif _is_add(node, sequentials):
                assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                receiver, added = node.func.value, node.args[0]
                if isinstance(receiver, ast.Name) and isinstance(added, ast.Name):
                    adds[(receiver.id, added.id)].append((node, loops))
        for (_, layer), calls in adds.items():
            if stores[layer] > 1:
                continue
            calls.sort(key=lambda added: (added[0].lineno, added[0].col_offset))
            for number, (call, loops) in enumerate(calls):
                in_loop = any(not _stores_in(loop, layer) for loop in loops)
                if number > 0 or in_loop:
                    yield finding(
                        self,
                        ctx,
                        call,
                        f"`{layer}` is already in this Sequential; its weights are shared",
                    )


def _is_add(node: ast.AST, sequentials: set[str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in sequentials
        and len(node.args) == 1
    )


def _scopes(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _walk_scope(scope: ast.AST) -> Iterator[tuple[ast.AST, list[ast.AST]]]:
    """Nodes of one function (or the module) without nested functions and classes, each with the
    loops around it."""
    pending: list[tuple[ast.AST, list[ast.AST]]] = [
        (child, []) for child in ast.iter_child_nodes(scope)
    ]
    while pending:
        node, loops = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        yield node, loops
        inner = [*loops, node] if isinstance(node, ast.For | ast.While) else loops
        pending.extend((child, inner) for child in ast.iter_child_nodes(node))


def _stores_in(loop: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for node in ast.walk(loop)
    )
