"""Python statements: assignment, ``if``, ``for``, ``while``, ``with``/``try``, definitions.

``for`` over a constant iterable is unrolled and recorded as a ``Loop``; ``if`` on a constant takes
its branch (in a helper it is recorded as a ``Condition``). A statement the interpreter cannot
follow makes what it binds ``Unknown``, with the reason: control flow is never guessed.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from kcodegen.frontend import syntax
from kcodegen.frontend.cst_search import find_all
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.helper_locals import loop_derived
from kcodegen.frontend.import_bindings import import_bindings
from kcodegen.frontend.interpreter.frame import Break, Continue, Frame, Return
from kcodegen.frontend.interpreter.helper_ifs import HelperIfs
from kcodegen.frontend.interpreter.state import (
    MAX_UNROLL,
    unknown_used,
)
from kcodegen.frontend.names import canonical
from kcodegen.frontend.python_ast import deepest
from kcodegen.frontend.values import (
    ClassVal,
    Const,
    DictVal,
    FunctionVal,
    ModelVal,
    Opaque,
    SelfVal,
    SequenceVal,
    Symbol,
    TensorVal,
    Unknown,
    Value,
    iterate,
    truth,
    written_out,
)
from kcodegen.ir import (
    Loop,
)

# ``filters *= 2`` computes as ``filters * 2``.
AUGMENTED: dict[type, type] = {
    cst.AddAssign: cst.Add,
    cst.SubtractAssign: cst.Subtract,
    cst.MultiplyAssign: cst.Multiply,
    cst.DivideAssign: cst.Divide,
    cst.FloorDivideAssign: cst.FloorDivide,
    cst.ModuloAssign: cst.Modulo,
    cst.PowerAssign: cst.Power,
    cst.MatrixMultiplyAssign: cst.MatrixMultiply,
}


# Below this depth a RecursionError is kcg's own fault. libcst recurses some three frames a level,
# so an expression of 300 levels fills Python's default stack of 1,000 frames.
_DEEP = 150


class Statements(HelperIfs):
    """Runs statements in the current frame."""

    def bind(self, target: cst.BaseExpression, value: Value, node: cst.CSTNode) -> None:
        frame = self.frame
        if isinstance(target, cst.Name):
            if target.value in frame.entry:
                frame.rebound.add(target.value)
            frame.vars[target.value] = value
            self.note_binding(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            names = [e.value.value for e in target.elements if isinstance(e.value, cst.Name)]
            if isinstance(value, TensorVal) and len(names) == len(target.elements):
                joined = "_".join(names)  # value_gate[0]; sequence_etc[2] when long
                self.builder.name_tensor(
                    value.tensor_id, joined if len(joined) <= 20 else f"{names[0]}_etc"
                )
            items = self.unpack(value, len(target.elements), node)
            for element, item in zip(target.elements, items, strict=False):
                self.bind(element.value, item, node)
        elif isinstance(target, cst.Attribute):
            self.bind_attribute(self.eval(target.value), target.attr.value, value)
        elif isinstance(target, cst.Subscript):
            self.bind_item(target, value)

    def bind_item(self, target: cst.Subscript, value: Value) -> None:
        """``args["filters"] = ...`` on a container the interpreter knows changes it, as Python
        does: block arguments are often adjusted so before they are used. Its text becomes its
        new contents written out, where they are all constants, else nothing (it cannot be
        written where a helper is inlined). An item of what it does not know changes nothing
        the model graph can depend on."""
        owner = self.eval(target.value)
        if not isinstance(owner, (SequenceVal, DictVal)):
            return
        index = self.eval(target.slice[0].slice.value) if syntax.simple_index(target) else None  # type: ignore[attr-defined]
        if not isinstance(index, Const):
            raise Unsupported(
                f"`{self.code(target)}` changes a container at a place only known at run time",
                self.line(target),
            )
        item = Const(value.value, repr(value.value)) if isinstance(value, Const) else value
        if isinstance(owner, SequenceVal):
            try:
                owner.items[index.value] = item
            except (IndexError, TypeError):
                raise Unsupported(
                    f"`{self.code(target)}` is outside the list", self.line(target)
                ) from None
        else:
            keys = [key for key, _, _ in owner.items]
            if index.value in keys:
                owner.items[keys.index(index.value)] = (index.value, repr(index.value), item)
            else:
                owner.items.append((index.value, repr(index.value), item))
        owner.text = written_out(owner)

    def unpack(self, value: Value, count: int, node: cst.CSTNode) -> list[Value]:
        if isinstance(value, SequenceVal) and len(value.items) == count:
            return value.items
        if (
            isinstance(value, Const)
            and isinstance(value.value, (tuple, list))
            and len(value.value) == count
        ):
            return [Const(v, repr(v)) for v in value.value]
        if isinstance(value, TensorVal):  # ``value, gate = ops.split(u, 2)``: items, by index
            return [self.make_op((0, f"[{i}]"), [value], node) for i in range(count)]
        if isinstance(value, Unknown):
            raise unknown_used(value, self.line(node))
        return [Opaque(f"{value.text}[{i}]") for i in range(count)]

    def exec_block(self, body: Sequence[cst.BaseStatement], frame: Frame) -> None:
        """Run a block's statements in ``frame`` (already on the stack), recording their indexes
        for the splice. At module level a statement the interpreter cannot follow is noted and its
        names become Unknown; inside a function it stops the call."""
        for index, statement in enumerate(body):
            frame.statement = index
            frame.comments = syntax.comments(statement)
            frame.trailing = syntax.trailing_comment(statement)
            frame.commented = False
            frame.new_layers = []
            if frame.is_module:
                self.positions.near = index
                try:
                    self._exec_top_level(statement)
                except Unsupported as problem:
                    self.problems.append(problem)
                    if isinstance(problem.cause, Unknown):
                        for name in syntax.assigned_names(statement):
                            frame.vars[name] = problem.cause
                    else:
                        self.taint(statement, f"by line {problem.line}, where {problem.message}")
            else:
                self.exec_statement(statement)
            self.comment_layers(frame)

    def _exec_top_level(self, statement: cst.BaseStatement) -> None:
        """Run a module's statement. Code nested deeper than libcst's recursive code (its visits
        and code generation) can follow is a construct kcg cannot follow, named with its line:
        the deepest of the module, which the statement may have reached through a call."""
        try:
            self.exec_statement(statement)
        except RecursionError:
            trees = self.positions.statement_trees()
            depth, line = deepest(trees) if trees else (0, 0)
            if depth < _DEEP:  # not the code's depth: a fault of kcg's, reported as one
                raise
            raise Unsupported(
                f"an expression here nests {depth} levels deep, more than kcg can follow; "
                "write it in steps (a long sum as `layers.Add()([t0, t1, ...])`, a long "
                "nest of calls as one statement a layer)",
                line,
            ) from None

    def exec_nested(
        self, body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement]
    ) -> None:
        """Statements of a compound statement: they belong to the enclosing statement's index.

        A statement's own comments go to the first step it makes, the first time it runs: an
        unrolled loop's later passes do not repeat them."""
        frame = self.frame
        # The enclosing statement's comments (``# Decoder`` above a ``for``), if no step took them
        above, after = ((), None) if frame.commented else (frame.comments, frame.trailing)
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                self.exec_statement(statement)
                continue
            first = statement not in self._commented
            self._commented.add(statement)
            frame.comments = above + (syntax.comments(statement) if first else ())
            frame.trailing = (syntax.trailing_comment(statement) if first else None) or after
            above, after = (), None
            frame.commented = False
            outer, frame.new_layers = frame.new_layers, []
            try:
                self.exec_statement(statement)
                self.comment_layers(frame)
            finally:  # a `continue  # why` keeps its comment: no step of a later pass takes it
                frame.new_layers = outer + frame.new_layers
                frame.commented = True

    def exec_statement(self, statement: cst.BaseStatement | cst.BaseSmallStatement) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            if self._conditional_assignment(statement):
                return
            for small in statement.body:
                self.exec_small(small)
        elif isinstance(statement, cst.FunctionDef):
            self.frame.vars[statement.name.value] = FunctionVal(
                statement, self.frame, statement.name.value, self.positions.near
            )
        elif isinstance(statement, cst.ClassDef):
            self.define_class(statement)
        elif isinstance(statement, cst.If):
            self.exec_if(statement)
        elif isinstance(statement, cst.For):
            self.exec_for(statement)
        elif isinstance(statement, cst.While):
            self.exec_while(statement)
        elif isinstance(statement, (cst.With, cst.Try)):
            self.exec_nested(statement.body.body)
        else:  # match, async for/with ...: structure we do not follow
            self.taint(
                statement,
                f"inside the statement at line {self.line(statement)}, which the converter does not follow",
            )

    def exec_small(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.Assign):
            value = self._bound(small) or self.eval(small.value)
            alias = isinstance(small.value, cst.Name) and isinstance(value, ModelVal)
            for target in small.targets:
                if alias and isinstance(target.target, cst.Name):
                    # ``model = discriminator`` names a model built before: the statement is the
                    # user's own, kept where it is, not a part of the model's construction.
                    self.frame.vars[target.target.value] = value
                else:
                    self.bind(target.target, value, small)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value), small)
        elif isinstance(small, cst.AugAssign):
            left = self.eval(small.target)
            right = self.eval(small.value)
            op_text = self.code(small.operator).strip().rstrip("=")
            op_type = AUGMENTED.get(type(small.operator), type(small.operator))
            value = self.binary(left, right, op_text, op_type, small)
            self.bind(small.target, value, small)
        elif isinstance(small, cst.Expr):
            self.eval(small.value)
        elif isinstance(small, cst.Return):
            raise Return(self.eval(small.value) if small.value else Const(None, "None"))
        elif isinstance(small, cst.Break):
            raise Break
        elif isinstance(small, cst.Continue):
            raise Continue
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            for local, qualname in import_bindings(small).items():
                self.frame.vars[local] = Symbol(canonical(qualname), local)

    def _bound(self, small: cst.Assign) -> Value | None:
        """``--bind NAME=VALUE`` gives a module-level name the value data would have given it."""
        target = small.targets[0].target
        if not (
            self.frame.is_module and isinstance(target, cst.Name) and target.value in self.binds
        ):
            return None
        text = self.binds[target.value]
        try:
            return Const(ast.literal_eval(text), target.value)
        except (ValueError, SyntaxError):
            return Opaque(target.value)

    def exec_if(self, statement: cst.If) -> None:
        if syntax.is_main_guard(statement.test):
            self.exec_nested(statement.body.body)
            return
        self.shape_problem = None
        test = truth(self.eval(statement.test)) or Opaque(self.code(statement.test))
        if isinstance(test, Const):
            self.note_arm(statement, bool(test.value))
            if self._mirrored(statement, taken=not test.value):
                return
            if self._chosen(statement, taken=bool(test.value)):
                return
            condition = self._condition(statement, taken=bool(test.value))
            if test.value and condition is not None:
                self.builder.calling.append(condition)  # what the body makes is conditional
                try:
                    self.exec_nested(statement.body.body)
                finally:
                    self.builder.calling.pop()
            elif test.value:
                self.exec_nested(statement.body.body)
            elif isinstance(statement.orelse, cst.If):
                self.exec_if(statement.orelse)
            elif statement.orelse is not None:
                self.exec_nested(statement.orelse.body.body)
                if condition is not None:
                    self._given_otherwise(condition, statement.body)
            return
        where = f"the `if` at line {self.line(statement)}"
        if find_all(statement, cst.Break, cst.Continue, cst.Return):
            raise Unsupported(
                f"{where} decides whether a loop or function goes on, {self._unknown_test()}",
                self.line(statement),
            )
        self.taint(statement, f"under {where}, {self._unknown_test()}")

    def _unknown_test(self) -> str:
        """Why the test just evaluated has no value."""
        if self.shape_problem is not None:
            return f"whose test needs {self.shape_problem}"
        return "whose test is only known at run time"

    def exec_for(self, statement: cst.For) -> None:
        iterable = self.eval(statement.iter)
        items = iterate(iterable)
        if items is None:
            self.taint(
                statement,
                f"in the loop at line {self.line(statement)}, which runs over a value only known at run time",
            )
            return
        # Names the loop binds change from one pass to the next: generated code gets their values.
        targets = syntax.target_names(statement.target)
        body_names = syntax.assigned_names(statement.body)
        self.frame.loop_vars |= targets | body_names
        if len(items) > MAX_UNROLL:
            where = f"the loop at line {self.line(statement)}"
            self.taint(statement, f"in {where}, which runs more than {MAX_UNROLL} passes")
            return
        loop = Loop(
            self.builder.new_id("L"),
            self.builder.within,
            self.code(statement.target),
            self.code(statement.iter),
            0,
            self.span(statement),
            False,
            frozenset(body_names - targets),
            frozenset(self.function_names() - targets),
            loop_derived(self.code(statement)) if body_names - targets else (),
            () if self.frame.commented else self.frame.comments,
        )
        self.loop_frames[loop.id] = self.frame
        try:
            for index, item in enumerate(items):
                loop = replace(loop, passes=index + 1)
                self.builder.calling.append(loop.pass_id(index))
                try:
                    self.bind(statement.target, item, statement)
                    finished = self._loop_pass(statement.body.body)
                finally:
                    self.builder.calling.pop()
                if not finished:
                    loop = replace(loop, broke=True)
                    return
        finally:
            self.builder.loops[loop.id] = loop
        if statement.orelse is not None:
            self.exec_nested(statement.orelse.body.body)

    def exec_while(self, statement: cst.While) -> None:
        """A ``while`` whose test kcg can work out on every pass (``while x.shape[1] > 4:``)."""
        self.frame.loop_vars |= syntax.assigned_names(statement.body)
        where = f"the `while` loop at line {self.line(statement)}"
        for _ in range(MAX_UNROLL):
            self.shape_problem = None
            test = self.eval(statement.test)
            if not isinstance(test, Const):
                self.taint(statement, f"in {where}, {self._unknown_test()}")
                return
            if not test.value:
                if statement.orelse is not None:
                    self.exec_nested(statement.orelse.body.body)
                return
            if not self._loop_pass(statement.body.body):
                return
        self.taint(statement, f"in {where}, which kcg stopped following after {MAX_UNROLL} passes")

    def _loop_pass(
        self, body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement]
    ) -> bool:
        """One pass of a loop's body; False when it breaks out of the loop."""
        try:
            self.exec_nested(body)
        except Continue:
            pass
        except Break:
            return False
        return True

    def taint(self, statement: cst.CSTNode, reason: str) -> None:
        """What ``statement`` may bind or change (``model.add(...)`` under an ``if``) is unknown."""
        line = self.line(statement)
        for name in syntax.assigned_names(statement) | syntax.changed_objects(statement):
            before = self.frame.vars.get(name)
            if isinstance(before, SelfVal):  # ``self.add = layers.Add()``: that attribute
                for attr in syntax.assigned_attributes(statement, name):
                    before.attrs[attr] = Unknown(f"{name}.{attr}", line, reason)
                continue
            if isinstance(before, ModelVal) and before.record.unknown is None:
                before.record.unknown = Unsupported(f"`{name}` may be changed {reason}", line)
            self.frame.vars[name] = Unknown(name, line, reason)

    def define_class(self, statement: cst.ClassDef) -> None:
        kinds = [self.class_kind(self.eval(base.value)) for base in statement.bases]
        kind = next((k for k in reversed(kinds) if k is not None), "other")
        statement_index = self.frame.statement if self.frame.is_module else None
        cls = ClassVal(statement, kind, statement.name.value, statement_index, self.positions.near)
        self.frame.vars[statement.name.value] = cls
        if self.frame.is_module:
            self.classes[statement.name.value] = cls
