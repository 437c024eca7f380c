"""Operations written inside one expression stay inside it in the generated code.

``h = h * ops.sigmoid(x)`` is two operations in the IR. Writing each as a statement of its own
names the inner one (``x_1 = ops.sigmoid(x)``), a name the author never wrote. An operation or a
layer call (``x + block(x)``) whose result has no name of the author's, is used once, by an
operation, and was written inside that operation's expression, is written there again, as an
operand.
"""

from __future__ import annotations

import ast

from kcodegen.codegen.naming import TensorNames
from kcodegen.ir import ModelGraph, Node, Op

Comments = tuple[tuple[str, ...], str | None]  # lines above, and the trailing comment


class Inliner:
    def __init__(self, graph: ModelGraph) -> None:
        self.graph = graph
        self.inlined = _inlined(graph)
        self.operands: dict[str, str] = {}  # tensor id -> the expression that computes it
        self.carried: dict[str, Comments] = {}  # step id -> comments of operations inlined in it

    def render(self, op: Op, names: TensorNames) -> str:
        """The operation's expression, with the operations inlined into it."""
        inner = {i: self.operands[t] for i, t in enumerate(op.inputs) if t in self.operands}
        bare = _bare_slots(op, inner)
        operands = []
        for slot, tensor in enumerate(op.inputs):
            if slot not in inner:
                operands.append(names.use(tensor))
            else:
                operands.append(inner[slot] if slot in bare else f"({inner[slot]})")
        return op.render(operands)

    def absorb(self, step: Node | Op, rendered: str) -> bool:
        """True when ``step`` is written into its consumer (which then carries its comments)."""
        if step.id not in self.inlined:
            return False
        tensor = step.outputs[0]
        self.operands[tensor] = rendered
        consumer = self.graph.consumers[tensor][0]
        above, trailing = self.comments(step)
        before, trailing_before = self.carried.get(consumer, ((), None))
        self.carried[consumer] = (before + above, trailing_before or trailing)
        return True

    def comments(self, step: Node | Op) -> Comments:
        above, trailing = self.carried.get(step.id, ((), None))
        own, own_trailing = self.graph.own_comments(step)
        return above + own, own_trailing or trailing


def _inlined(graph: ModelGraph) -> set[str]:
    """Steps written inside the expression of the operation that uses them: operations, and
    layer calls (``x + block(x)``)."""
    found = set()
    steps: list[Node | Op] = [*graph.ops, *graph.nodes]
    for step in steps:
        tensor = step.outputs[0]
        users = graph.consumers[tensor]
        user = graph.step_by_id[users[0]] if len(users) == 1 else None
        if (
            isinstance(user, Op)
            and len(step.outputs) == 1
            and graph.tensor_by_id[tensor].name_hint is None
            and tensor not in graph.output_structure.tensors
            and user.span.contains(step.span)
        ):
            found.add(step.id)
    return found


# Binding strength of binary operators, as in Python's grammar.
_PRECEDENCE: dict[type, int] = {
    ast.BitOr: 1,
    ast.BitXor: 2,
    ast.BitAnd: 3,
    ast.LShift: 4,
    ast.RShift: 4,
    ast.Add: 5,
    ast.Sub: 5,
    ast.Mult: 6,
    ast.MatMult: 6,
    ast.Div: 6,
    ast.FloorDiv: 6,
    ast.Mod: 6,
    ast.Pow: 8,
}
_TIGHT = (ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Constant)


def _bare_slots(op: Op, inner: dict[int, str]) -> set[int]:
    """The inlined inputs (slot -> expression) that need no parentheses where the operation puts
    them: a whole argument or item, or an operand that binds tighter than the operator around it."""
    markers = [f"_kcg_slot_{i}" for i in range(len(op.inputs))]
    try:
        tree = ast.parse(op.render(markers), mode="eval")
    except SyntaxError:
        return set()
    bare = set()
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            if isinstance(child, ast.Name) and child.id in markers:
                slot = markers.index(child.id)
                if slot in inner and _fits(_expression(inner[slot]), parent, child):
                    bare.add(slot)
    return bare


def _expression(text: str) -> ast.expr | None:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None


def _fits(inner: ast.expr | None, parent: ast.AST, place: ast.Name) -> bool:
    """``inner`` written at ``place`` in ``parent`` means what it means on its own."""
    if inner is None:
        return False
    if isinstance(inner, _TIGHT):
        return True
    if isinstance(parent, ast.Call):
        return place is not parent.func
    if isinstance(parent, ast.keyword | ast.List | ast.Tuple | ast.Set):
        return True
    if not isinstance(parent, ast.BinOp):
        return False
    outer = _PRECEDENCE[type(parent.op)]
    left_of_power = isinstance(parent.op, ast.Pow) and place is parent.left
    if isinstance(inner, ast.UnaryOp):
        return not left_of_power
    if isinstance(inner, ast.BinOp):
        strength = _PRECEDENCE[type(inner.op)]
        return strength > outer or (
            strength == outer and place is parent.left and not left_of_power
        )
    return False
