"""Python expressions over abstract values.

Constants fold when that is safe; names, attributes, subscripts, operators, comprehensions and
conditional expressions keep their source text when their value is not known. An operator on a
tensor becomes an ``Op`` of the graph (through the Keras plugin's ``make_op``).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import libcst as cst

from kcodegen.frontend import syntax
from kcodegen.frontend.interpreter.frame import Frame
from kcodegen.frontend.interpreter.state import (
    MAX_UNROLL,
    PURE_BUILTINS,
    InterpreterState,
    refuse_unknown,
    unknown_used,
)
from kcodegen.frontend.names import canonical
from kcodegen.frontend.values import (
    STRING_METHODS,
    Const,
    DictVal,
    Method,
    ModelVal,
    Opaque,
    SequenceVal,
    Symbol,
    TensorVal,
    Unknown,
    Value,
    as_identity,
    constant,
    iterate,
    known_object,
    truth,
)

BINARY: dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.MatrixMultiply: operator.matmul,
}
# How each binary operator is spelled: read from the type, since its node's text would be
# generated with the whole statement's (libcst positions the operators by code generation).
BINARY_SYMBOLS: dict[type, str] = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    cst.MatrixMultiply: "@",
    cst.LeftShift: "<<",
    cst.RightShift: ">>",
    cst.BitAnd: "&",
    cst.BitOr: "|",
    cst.BitXor: "^",
}
COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
}


class Expressions(InterpreterState):
    """Evaluates expressions in the current frame."""

    def eval(self, node: cst.BaseExpression) -> Value:
        if isinstance(node, cst.Name):
            return self.eval_name(node)
        if isinstance(
            node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
        ):
            try:
                return Const(_literal(self.code(node)), self.code(node))
            except (ValueError, SyntaxError):
                return Opaque(self.code(node))
        if isinstance(node, cst.FormattedString):
            return self.eval_fstring(node)
        if isinstance(node, cst.Attribute):
            return self.eval_attribute(node)
        if isinstance(node, cst.Call):
            return self.eval_call(node)
        if isinstance(node, (cst.List, cst.Tuple)):
            items: list[Value] = []
            for element in node.elements:
                value = self.eval(element.value)
                if isinstance(element, cst.StarredElement):  # [Input(...), *blocks]
                    unpacked = iterate(value)
                    if unpacked is None:
                        return Opaque(self.render(node))
                    items.extend(unpacked)
                else:
                    items.append(value)
            kind = "list" if isinstance(node, cst.List) else "tuple"
            return SequenceVal(items, kind, self.render(node))
        if isinstance(node, cst.Dict):
            return self.eval_dict(node)
        if isinstance(node, cst.BinaryOperation):
            return self.eval_binary_chain(node)
        if isinstance(node, cst.UnaryOperation):
            return self.eval_unary(node)
        if isinstance(node, cst.Comparison):
            return self.eval_comparison(node)
        if isinstance(node, cst.BooleanOperation):  # short-circuits, as Python does
            left = self.eval(node.left)
            decided = truth(left)
            if decided is not None and bool(decided.value) != isinstance(node.operator, cst.And):
                return Const(left.value, self.render(node)) if isinstance(left, Const) else left
            right = self.eval(node.right)
            if decided is not None and isinstance(right, Const):
                return Const(right.value, self.render(node))
            return Opaque(self.render(node))
        if isinstance(node, cst.Subscript):
            return self.eval_subscript(node)
        if isinstance(node, cst.IfExp):
            test = truth(self.eval(node.test)) or Opaque("")
            if isinstance(test, Const):
                return self.eval(node.body if test.value else node.orelse)
            return Opaque(self.render(node))
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return self.eval_comprehension(node)
        return Opaque(self.render(node))

    def _constant_slice(self, owner: Value, node: cst.Subscript) -> Const | None:
        """``shape[1:3]`` of a constant tuple (a tensor's known shape): the constant it gives."""
        value = constant(owner)
        if value is None or not isinstance(value.value, (tuple, list)) or len(node.slice) != 1:
            return None
        part = node.slice[0].slice
        if not isinstance(part, cst.Slice):
            return None
        bounds = []
        for bound in (part.lower, part.upper, part.step):
            known = None if bound is None else self.eval(bound)
            if known is not None and not (
                isinstance(known, Const) and isinstance(known.value, int)
            ):
                return None
            bounds.append(None if known is None else known.value)
        try:
            return Const(value.value[slice(*bounds)], self.render(node))
        except ValueError:  # a zero step: Python raises too
            return None

    def eval_fstring(self, node: cst.FormattedString) -> Value:
        """``f"block{i + 1}{chr(97 + j)}"`` with constant parts: the string it makes (a block's
        name decides what it holds, and layer names come so)."""
        text = self._formatted(node.parts)
        return Opaque(self.render(node)) if text is None else Const(text, self.render(node))

    def _formatted(self, parts: Sequence[cst.BaseFormattedStringContent]) -> str | None:
        pieces = []
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                if "\\" in part.value:
                    return None  # an escape, as written: its value is not the text
                pieces.append(part.value)
                continue
            if not isinstance(part, cst.FormattedStringExpression):
                return None
            value = self.eval(part.expression)
            spec = self._formatted(part.format_spec) if part.format_spec else ""
            if not isinstance(value, Const) or spec is None:
                return None
            item = value.value
            if part.conversion is not None:
                item = _CONVERSIONS[part.conversion](item)
            try:
                pieces.append(format(item, spec))
            except (TypeError, ValueError):
                return None
        joined = "".join(pieces)
        return joined if "{" not in joined and "}" not in joined else None

    def eval_name(self, node: cst.Name) -> Value:
        value = self.lookup(node.value)
        if value is not None:
            return value
        if node.value in ("True", "False", "None"):
            return Const(ast.literal_eval(node.value), node.value)
        if node.value in PURE_BUILTINS or node.value == "super":
            return Symbol(f"builtins.{node.value}", node.value)
        return Opaque(node.value)

    def eval_attribute(self, node: cst.Attribute) -> Value:
        owner = self.eval(node.value)
        attr = node.attr.value
        text = self.render(node)
        if isinstance(owner, Unknown):
            raise unknown_used(owner, self.line(node))
        if isinstance(owner, Symbol):
            return Symbol(canonical(f"{owner.qualname}.{attr}"), text)
        keras = self.keras_attribute(owner, attr, text, node)
        if keras is not None:
            return keras
        if isinstance(owner, (ModelVal, SequenceVal, Symbol)) or (
            isinstance(owner, Method) and owner.name == "super"
        ):
            return Method(owner, attr, text)
        if isinstance(owner, Const) and isinstance(owner.value, str) and attr in STRING_METHODS:
            return Method(owner, attr, text)
        if isinstance(owner, DictVal) and attr in ("get", "pop"):
            return Method(owner, attr, text)
        return Opaque(text)

    def eval_dict(self, node: cst.Dict) -> Value:
        items: list[tuple[Any, str, Value]] = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return Opaque(self.render(node))
            key = self.eval(element.key)
            key_value = key.value if isinstance(key, Const) else key.text
            items.append((key_value, self.render(element.key), self.eval(element.value)))
        return DictVal(items, self.render(node))

    def eval_unary(self, node: cst.UnaryOperation) -> Value:
        operand = self.eval(node.expression)
        if isinstance(node.operator, cst.Not) and truth(operand) is not None:
            operand = truth(operand)  # type: ignore[assignment]
        if isinstance(operand, Const):
            ops: dict[type, Callable[[Any], Any]] = {
                cst.Minus: operator.neg,
                cst.Plus: operator.pos,
                cst.Not: operator.not_,
                cst.BitInvert: operator.invert,
            }
            try:
                return Const(ops[type(node.operator)](operand.value), self.render(node))
            except (TypeError, KeyError):
                return Opaque(self.render(node))
        refuse_unknown([operand], self.line(node))
        if isinstance(operand, TensorVal):
            prefix = self.code(node.operator)
            return self.make_op((prefix, 0), [operand], node)
        return Opaque(self.render(node))

    def eval_comparison(self, node: cst.Comparison) -> Value:
        left = self.eval(node.left)
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator)
            compare = COMPARE.get(type(target.operator))
            if isinstance(target.operator, cst.Is | cst.IsNot) and known_object(left, right):
                left, right = as_identity(left), as_identity(right)  # self.proj is not None
            elif not isinstance(target.operator, cst.Is | cst.IsNot):
                left, right = constant(left) or left, constant(right) or right
            if not (isinstance(left, Const) and isinstance(right, Const)) or compare is None:
                return Opaque(self.render(node))
            try:
                result = result and bool(compare(left.value, right.value))
            except TypeError:
                return Opaque(self.render(node))
            left = right
        return Const(result, self.render(node))

    def eval_subscript(self, node: cst.Subscript) -> Value:
        owner = self.eval(node.value)
        if isinstance(owner, Method) and owner.name == "layers":
            return self.nested_layer_item(owner, node)
        refuse_unknown([owner], self.line(node))
        if isinstance(owner, TensorVal):
            index_text = self.render(node).removeprefix(self.render(node.value))
            return self.make_op((0, index_text), [owner], node)
        sliced = self._constant_slice(owner, node)
        if sliced is not None:
            return sliced
        if not syntax.simple_index(node):
            return Opaque(self.render(node))
        index = self.eval(node.slice[0].slice.value)  # type: ignore[attr-defined]
        if (
            isinstance(owner, SequenceVal)
            and isinstance(index, Const)
            and isinstance(index.value, int)
        ):
            try:
                return owner.items[index.value]
            except IndexError:
                return Opaque(self.render(node))
        if isinstance(owner, DictVal) and isinstance(index, Const):
            for key, _, value in owner.items:
                if key == index.value:
                    return value
        if isinstance(owner, Const) and isinstance(index, Const):
            try:
                item = owner.value[index.value]
            except (TypeError, IndexError, KeyError):
                return Opaque(self.render(node))
            # An item of a literal (a shape: ``x.shape[-1]``) is written as its value: the tensor
            # it was read from does not exist where generated code uses it.
            return Const(item, repr(item) if syntax.is_literal(owner.text) else self.render(node))
        return Opaque(self.render(node))

    def eval_comprehension(self, node: cst.ListComp | cst.GeneratorExp) -> Value:
        comp = node.for_in
        if comp.inner_for_in is not None or comp.ifs:
            return Opaque(self.render(node))
        items = iterate(self.eval(comp.iter))
        if items is None:
            return Opaque(self.render(node))
        frame = Frame(self.frame.block, self.frame)
        frame.statement = self.frame.statement
        self.stack.append(frame)
        try:
            results = []
            for item in items[:MAX_UNROLL]:
                self.bind(comp.target, item, node)
                results.append(self.eval(node.elt))
        finally:
            self.stack.pop()
        return SequenceVal(results, "list", self.render(node))

    def eval_binary_chain(self, node: cst.BinaryOperation) -> Value:
        """``t0 + t1 + ... + tn``, which libcst nests to the left, a level a term: evaluated left
        to right in a loop, as Python does, so that a sum of a thousand branches needs no deeper
        stack than a sum of two."""
        links: list[cst.BinaryOperation] = []
        first: cst.BaseExpression = node
        while isinstance(first, cst.BinaryOperation):
            links.append(first)
            first = first.left
        value = self.eval(first)
        for link in reversed(links):
            right, kind = self.eval(link.right), type(link.operator)
            value = self.binary(value, right, BINARY_SYMBOLS[kind], kind, link)
        return value

    def binary(
        self, left: Value, right: Value, op_text: str, op_type: type, node: cst.CSTNode
    ) -> Value:
        text = (
            self.render(node)
            if isinstance(node, cst.BaseExpression)
            else f"{left.text} {op_text} {right.text}"
        )
        if isinstance(left, Const) and isinstance(right, Const) and op_type in BINARY:
            try:
                return Const(BINARY[op_type](left.value, right.value), text)
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                return Opaque(text)
        if (  # [Input(...)] + block(16) + [Dense(1)]
            op_type is cst.Add
            and isinstance(left, SequenceVal)
            and isinstance(right, SequenceVal)
            and left.kind == right.kind
        ):
            return SequenceVal([*left.items, *right.items], left.kind, text)
        refuse_unknown([left, right], self.line(node))
        tensors = [v for v in (left, right) if isinstance(v, TensorVal)]
        if tensors:
            template: list[str | int] = []
            inputs: list[TensorVal] = []
            for side, value in ((0, left), (1, right)):
                if side:
                    template.append(f" {op_text} ")
                if isinstance(value, TensorVal):
                    template.append(len(inputs))
                    inputs.append(value)
                else:
                    template.append(value.text)
            return self.make_op(tuple(template), inputs, node)
        return Opaque(text)

    def eval_text_in_module(self, text: str) -> Value:
        try:
            expression = cst.parse_expression(text)
        except cst.ParserSyntaxError:
            return Opaque(text)
        if isinstance(expression, (cst.Tuple, cst.List, cst.Integer)):
            try:
                value = ast.literal_eval(text)
                return Const(value, text)
            except (ValueError, SyntaxError):
                return Opaque(text)
        value = self.lookup(text) if isinstance(expression, cst.Name) else None
        return value or Opaque(text)


_CONVERSIONS: dict[str, Callable[[object], str]] = {"r": repr, "s": str, "a": ascii}  # f"{x!r}"


@lru_cache(maxsize=1024)
def _literal(text: str) -> object:
    """A number or string literal's value (immutable, so one per text: a model repeats them)."""
    return ast.literal_eval(text)
