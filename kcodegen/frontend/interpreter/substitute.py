"""Writing an inlined helper's names as the values they were bound to.

Code generated away from the helper or loop pass that made a layer cannot read the names bound
there, so such a name (``filters``, ``f"conv_{i}"``) is written as the text of its value; the
arithmetic and f-strings that become constants are folded. Kept apart from the interpreter, which only asks for the rewritten node.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from collections.abc import Set as AbstractSet

import libcst as cst

from kcodegen.frontend.cst_search import find_any_order
from kcodegen.frontend.interpreter.frame import Frame
from kcodegen.frontend.syntax import parse_expression, quoted
from kcodegen.frontend.values import (
    Const,
    FunctionVal,
    LayerVal,
    ModelVal,
    SelfVal,
    TensorVal,
    TrainingFlag,
    literal_text,
)


def substitutable(frame: Frame, keep: Frame | None) -> set[str]:
    """Names ``render`` may replace: an inlined function's own, and unrolled loop variables."""
    names: set[str] = set()
    scope: Frame | None = frame
    while scope is not None:
        names |= scope.loop_vars if scope.is_module or scope is keep else set(scope.vars)
        scope = scope.parent
    return names


def replaces_any(names: AbstractSet[str], frame: Frame, keep: Frame | None) -> bool:
    """Whether ``Substitute`` would replace one of ``names``: a tensor, a layer or a model keeps
    its name, so most expressions of a builder need no rewriting (and no libcst pass)."""
    for name in names:
        scope: Frame | None = frame
        while scope is not None and name not in scope.vars:
            scope = scope.parent
        if scope is None:
            continue
        if name in scope.loop_vars:
            return True
        if scope.is_module or scope is keep:
            continue
        value = scope.vars[name]
        if value.text and not isinstance(
            value, (TensorVal, LayerVal, SelfVal, ModelVal, TrainingFlag)
        ):
            return True
    return False


def calls_local_function(expression: cst.BaseExpression, frame: Frame) -> bool:
    """It calls a function defined inside a function (EfficientNet's ``round_filters``), which
    code generated elsewhere (where the layer is created, or in a block class) cannot call."""
    for call in find_any_order(expression, cst.Call):
        if isinstance(call.func, cst.Name):
            scope: Frame | None = frame
            while scope is not None and call.func.value not in scope.vars:
                scope = scope.parent
            found = scope.vars[call.func.value] if scope is not None else None
            if isinstance(found, FunctionVal) and not found.closure.is_module:
                return True
    return False


class NotWritable(Exception):
    """A name's value cannot be written where the name is (keeping the name would read another
    binding there): the model is refused."""


class Substitute(cst.CSTTransformer):
    """Replace names bound in an inlined function's frame by the text of their values."""

    def __init__(self, module_frame: Frame, frame: Frame, keep: Frame | None) -> None:
        self.module_frame = module_frame
        self.frame = frame
        self.keep = keep
        self._quotes: list[str] = []  # of the f-strings being rewritten, innermost last

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._quotes.append(node.start.lstrip("rRbBfFuU"))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        replaced = self._replaced(original, updated)
        if replaced is updated or not self._quotes:
            return replaced
        # Inside an f-string, before Python 3.12, the value may not use the f-string's quotes.
        taken = {quote[0] for quote in self._quotes}
        if not taken & set(cst.Module([]).code_for_node(replaced)):
            return replaced
        if isinstance(replaced, cst.SimpleString) and isinstance(replaced.evaluated_value, str):
            text = replaced.evaluated_value
            for quote in ("'", '"'):
                if quote not in taken and quote not in text and "\\" not in text:
                    return cst.SimpleString(f"{quote}{text}{quote}")
        raise NotWritable(f"`{original.value}` inside an f-string")

    def _replaced(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        scope: Frame | None = self.frame
        while scope is not None:
            if original.value in scope.vars:
                local = not scope.is_module and scope is not self.keep
                if not (local or original.value in scope.loop_vars):
                    return updated  # in scope where the generated code goes: keep the name
                value = scope.vars[original.value]
                if original.value in scope.loop_vars and isinstance(value, Const):
                    literal = _literal(value)  # its text may name itself (``filters *= 2``)
                    if literal is not None and not isinstance(value.value, str):
                        return literal
                text = value.text
                if (
                    isinstance(value, (TensorVal, LayerVal, SelfVal, ModelVal, TrainingFlag))
                    or not text
                ):
                    return updated
                if isinstance(value, Const) and (".shape" in text or self._local_call(text)):
                    literal = _literal(value)  # ``x.shape[-1] * 2``: the tensor is not there
                    if literal is not None:
                        return literal
                expression = parse_expression(text)
                if expression is None:
                    return updated
                if isinstance(expression, cst.Name) and isinstance(value, Const):
                    expression = self._value_of_loop_name(expression, value)
                elif isinstance(value, Const) and isinstance(value.value, str):
                    expression = cst.SimpleString(quoted(value.value))  # a name computed in a loop
                if isinstance(
                    expression, (cst.BinaryOperation, cst.BooleanOperation, cst.IfExp, cst.Lambda)
                ):
                    expression = expression.with_changes(
                        lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
                    )
                return expression
            scope = scope.parent
        return updated

    def _local_call(self, text: str) -> bool:
        """A value's text that calls a function local to a function (``calls_local_function``)."""
        expression = parse_expression(text) if "(" in text else None
        return expression is not None and calls_local_function(expression, self.frame)

    def _value_of_loop_name(self, name: cst.Name, value: Const) -> cst.BaseExpression:
        """A helper's argument named by a module-level loop's name (``block(x, filters)``): its
        value, since the name means something else once the loop has moved on."""
        if name.value not in self.module_frame.loop_vars:
            return name
        return _literal(value) or name

    def leave_BinaryOperation(
        self, original: cst.BinaryOperation, updated: cst.BinaryOperation
    ) -> cst.BaseExpression:
        """``8 * 2**1`` once the names are values: the integer it makes, ``16``."""
        left, right = updated.left, updated.right  # parentheses are the node's own
        fold = _INTEGER_FOLDS.get(type(updated.operator))
        if fold is None or not isinstance(left, cst.Integer) or not isinstance(right, cst.Integer):
            return updated
        try:
            value = fold(left.evaluated_value, right.evaluated_value)
        except (ZeroDivisionError, ValueError):
            return updated
        if not isinstance(value, int) or abs(value) > 10**9:
            return updated
        return cst.Integer(str(value), lpar=updated.lpar, rpar=updated.rpar)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``chr(97)`` once the names are values: the literal it makes, ``"a"``, so that an
        f-string around it folds too."""
        func = updated.func
        if (
            not isinstance(func, cst.Name)
            or func.value not in _FOLDED_CALLS
            or func.value in self.module_frame.vars  # the module's own `chr`, if it has one
            or len(updated.args) != 1
            or updated.args[0].keyword is not None
            or updated.args[0].star
            or not isinstance(updated.args[0].value, cst.Integer | cst.SimpleString)
        ):
            return updated
        try:
            value = _FOLDED_CALLS[func.value](updated.args[0].value.evaluated_value)
        except (TypeError, ValueError, OverflowError):
            return updated
        literal = _literal(Const(value, repr(value)))
        return literal if literal is not None else updated

    def leave_Subscript(
        self, original: cst.Subscript, updated: cst.Subscript
    ) -> cst.BaseExpression:
        """``{"filters": 16, "repeats": 1}["filters"]`` once the name is its value: ``16``."""
        if (
            not isinstance(updated.value, (cst.Dict, cst.List, cst.Tuple))
            or len(updated.slice) != 1
        ):
            return updated
        index = updated.slice[0].slice
        if not isinstance(index, cst.Index):
            return updated
        try:
            container = ast.literal_eval(cst.Module([]).code_for_node(updated.value))
            key = ast.literal_eval(cst.Module([]).code_for_node(index.value))
            item = container[key]
        except (ValueError, SyntaxError, TypeError, KeyError, IndexError):
            return updated
        literal = _literal(Const(item, repr(item)))
        return literal if literal is not None else updated

    def leave_FormattedString(
        self, original: cst.FormattedString, updated: cst.FormattedString
    ) -> cst.BaseExpression:
        """``f"conv_{0}"`` once the loop variable is a value: the string it makes, ``"conv_0"``."""
        self._quotes.pop()
        text = []
        for part in updated.parts:
            if isinstance(part, cst.FormattedStringText):
                text.append(part.value)
            elif (
                isinstance(part, cst.FormattedStringExpression)
                and isinstance(part.expression, cst.Integer | cst.SimpleString)
                and part.conversion is None
                and part.format_spec is None
            ):
                text.append(str(part.expression.evaluated_value))
            else:
                return updated
        joined = "".join(text)
        if "{" in joined or "\\" in joined or updated.prefix.lower() != "f":
            return updated
        return cst.SimpleString(quoted(joined))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)


_FOLDED_CALLS: dict[str, Callable[[object], object]] = {
    "chr": chr,  # type: ignore[dict-item]
    "ord": ord,  # type: ignore[dict-item]
    "str": str,
    "int": int,  # type: ignore[dict-item]
}
_INTEGER_FOLDS: dict[type, Callable[[int, int], int]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
    cst.Power: lambda base, exponent: base ** small(exponent),
}


def small(exponent: int) -> int:
    if not 0 <= exponent <= 64:
        raise ValueError(exponent)
    return exponent


def _literal(value: Const) -> cst.BaseExpression | None:
    """The constant written as a Python literal, when it can be (not for objects)."""
    text = literal_text(value)
    return parse_expression(text) if text is not None else None
