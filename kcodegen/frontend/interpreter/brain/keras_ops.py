"""Operations on tensors that are not layers: ``keras.ops`` calls and Python operators.

Each is an ``Op`` whose template is the source text with its tensor arguments as placeholders.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from kcodegen.frontend.interpreter.state import (
    InterpreterState,
    unknown_used,
)
from kcodegen.frontend.values import (
    DictVal,
    SequenceVal,
    TensorVal,
    Unknown,
    Value,
    has_tensor,
)
from kcodegen.ir import (
    Arg,
    Literal_,
    Mapping_,
    Seq,
    TensorRef,
)


class KerasOps(InterpreterState):
    """Makes graph operations and call arguments from values."""

    def to_arg(self, value: Value, node: cst.BaseExpression | None) -> Arg:
        if isinstance(value, TensorVal):
            return TensorRef(value.tensor_id)
        if isinstance(value, SequenceVal) and any(has_tensor(v) for v in value.items):
            kind = "list" if value.kind == "list" else "tuple"
            return Seq(tuple(self.to_arg(v, None) for v in value.items), kind)  # type: ignore[arg-type]
        if isinstance(value, DictVal) and any(has_tensor(v) for _, _, v in value.items):
            return Mapping_(
                tuple((key_text, self.to_arg(v, None)) for _, key_text, v in value.items)
            )
        if isinstance(value, Unknown):
            raise unknown_used(value, value.line)
        return Literal_(self.render(node) if node is not None else value.text)

    def make_op(
        self, template: tuple[str | int, ...], inputs: list[TensorVal], node: cst.CSTNode
    ) -> Value:
        tensor_id = self.builder.add_op(
            template,
            tuple(t.tensor_id for t in inputs),
            self.span(node),
            self.origin(),
            " ".join(self.code(node).split()),
            *self.take_comments(),
        )
        return TensorVal(
            tensor_id, self.render(node) if isinstance(node, cst.BaseExpression) else ""
        )

    def make_call_op(self, node: cst.Call, tensors: list[TensorVal]) -> Value:
        """``keras.ops.add(x, y)``: the call's text with each tensor argument made a placeholder."""
        template: list[str | int] = []
        inputs: list[TensorVal] = []
        marker = "\x00"

        def placeholder(value: Value) -> str:
            inputs.append(value)  # type: ignore[arg-type]
            return f"{marker}{len(inputs) - 1}{marker}"

        parts = [self.render(node.func), "("]
        for i, arg in enumerate(node.args):
            prefix = "" if i == 0 else ", "
            keyword = f"{arg.keyword.value}=" if arg.keyword is not None else ""
            parts.append(
                prefix
                + keyword
                + self._render_with_placeholders(self.eval(arg.value), arg.value, placeholder)
            )
        parts.append(")")
        for index, piece in enumerate("".join(parts).split(marker)):
            if index % 2:
                template.append(int(piece))
            elif piece:
                template.append(piece)
        return self.make_op(tuple(template), inputs, node)

    def _render_with_placeholders(
        self, value: Value, node: cst.BaseExpression | None, placeholder: Callable[[Value], str]
    ) -> str:
        if isinstance(value, TensorVal):
            return placeholder(value)
        if isinstance(value, SequenceVal) and any(has_tensor(v) for v in value.items):
            inner = ", ".join(
                self._render_with_placeholders(v, None, placeholder) for v in value.items
            )
            return (
                f"[{inner}]"
                if value.kind == "list"
                else f"({inner},)"
                if len(value.items) == 1
                else f"({inner})"
            )
        return self.render(node) if node is not None else value.text
