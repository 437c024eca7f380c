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
from kcodegen.frontend.cst_search import find_all, find_any_order
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.helper_locals import loop_derived
from kcodegen.frontend.import_bindings import import_bindings
from kcodegen.frontend.interpreter.frame import Break, Continue, Frame, Return
from kcodegen.frontend.interpreter.state import (
    MAX_UNROLL,
    InterpreterState,
    unknown_used,
)
from kcodegen.frontend.names import canonical
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
    Condition,
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


class Statements(InterpreterState):
    """Runs statements in the current frame."""

    def bind(self, target: cst.BaseExpression, value: Value, node: cst.CSTNode) -> None:
        frame = self.frame
        if isinstance(target, cst.Name):
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
                    self.exec_statement(statement)
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

    def _mirrored(self, statement: cst.If, taken: bool) -> bool:
        """Run an ``if`` whose ``else`` builds (``syntax.mirrored_if``) as ``if not test:``, its
        ``else`` recorded as the Condition; False, running nothing, for any other ``if``."""
        body = self.helper_bodies.get(self.builder.within or "")
        if body is None or not syntax.mirrored_if(statement, body):
            return False
        assert isinstance(statement.orelse, cst.Else)
        test = syntax.negated(statement.test, self.code(statement.test))
        condition = self._condition(statement, taken, statement.orelse.body, test)
        if not taken:
            self.exec_nested(statement.body.body)
            return True
        if condition is not None:
            self.builder.calling.append(condition)
        try:
            self.exec_nested(statement.orelse.body.body)  # type: ignore[union-attr]
        finally:
            if condition is not None:
                self.builder.calling.pop()
        return True

    def _chosen(self, statement: cst.If, taken: bool) -> bool:
        """Run an ``if`` whose ``else`` builds only through conditional expressions
        (``syntax.chosen_if``) as ifs of its own: its body under its test, each expression's
        layers under ``not test and`` the expression's test (``_conditional_assignment``). Where
        the body is not taken, what it assigns holds what the ``else`` gives without its layers
        (``x``, for ResNetV2's ``shortcut``); where it is, each expression is not taken, and its
        variable holds what the body made. False, running nothing, for any other ``if``."""
        call = self.builder.within
        body = self.helper_bodies.get(call or "")
        if call is None or body is None or self.block_frame() is not self.frame:
            return False
        if not syntax.chosen_if(statement, body):
            return False
        condition = self._condition(statement, taken, test=self.code(statement.test))
        assert isinstance(statement.orelse, cst.Else) and condition is not None
        recorded = self.conditions[call]
        index = len(recorded) - 1
        if taken:
            self.builder.calling.append(condition)
            try:
                self.exec_nested(statement.body.body)
            finally:
                self.builder.calling.pop()
            for line in syntax.unscoped(statement.orelse.body.body):
                found = syntax.conditional_assignment(line)  # type: ignore[arg-type]
                if found is not None:
                    self._record_assignment(line, found, statement, taken=False)  # type: ignore[arg-type]
            return True
        before = {
            value.tensor_id for value in self.frame.vars.values() if isinstance(value, TensorVal)
        }
        self.exec_nested(statement.orelse.body.body)
        given = {name: tensor for c in recorded[index + 1 :] for name, tensor in c.held}
        for name in syntax.assigned_names(statement.orelse.body):
            value = self.frame.vars.get(name)
            if name not in given and isinstance(value, TensorVal) and value.tensor_id in before:
                given[name] = value.tensor_id  # ``else: shortcut = x``
        wanted = syntax.assigned_names(statement.body)
        held = tuple((name, given[name]) for name in sorted(given) if name in wanted)
        recorded[index] = replace(recorded[index], held=held)
        return True

    def _conditional_assignment(self, statement: cst.SimpleStatementLine) -> bool:
        """Run ``name = A if test else B`` (``syntax.conditional_assignment``) directly in a
        helper's body, or in a chosen ``if``'s ``else``, as ``if test: name = A`` whose variable
        holds ``B`` when it is not taken. False, running nothing, for any other statement."""
        call = self.builder.within
        body = self.helper_bodies.get(call or "")
        found = syntax.conditional_assignment(statement)
        if call is None or body is None or found is None or self.block_frame() is not self.frame:
            return False
        where = syntax.chosen_context(statement, body)
        if where is None:
            return False
        outer, _ = where
        value = self._record_assignment(statement, found, outer)
        if value is None:
            return False
        small = statement.body[0]
        assert isinstance(small, cst.Assign)
        self.bind(small.targets[0].target, value, small)
        return True

    def _record_assignment(
        self,
        statement: cst.SimpleStatementLine,
        found: tuple[str, cst.IfExp, cst.BaseExpression],
        outer: cst.If | None,
        taken: bool | None = None,
    ) -> Value | None:
        """Record a conditional assignment as a ``Condition`` at its line, under ``not`` the test
        of the chosen ``if`` it is in (``outer``); and, unless ``taken`` is given (False: that
        ``if``'s body ran, and its variable holds what the body made), what it assigns. None,
        recording nothing, where its test is only known at run time."""
        name, expression, builds = found
        text = self.code(expression.test)
        if builds is expression.orelse:
            text = syntax.negated(expression.test, text)
        tests = [expression.test]
        if outer is not None:
            text = syntax.conjoined(syntax.negated(outer.test, self.code(outer.test)), text)
            tests.append(outer.test)
        other = expression.orelse if builds is expression.body else expression.body
        if taken is not None:
            value = self.frame.vars.get(name)
            held = ((name, value.tensor_id),) if isinstance(value, TensorVal) else ()
            self._condition(
                outer or statement, taken, builds, text, self.line(statement), tests, held
            )
            return None
        decided = truth(self.eval(expression.test))
        if not isinstance(decided, Const):
            return None
        taken = bool(decided.value) == (builds is expression.body)
        fallback = self.eval(other)  # it calls nothing
        held = ((name, fallback.tensor_id),) if isinstance(fallback, TensorVal) else ()
        anchor = outer or statement
        condition = self._condition(anchor, taken, builds, text, self.line(statement), tests, held)
        if not taken:
            return fallback
        if condition is None:
            return self.eval(builds)
        self.builder.calling.append(condition)
        try:
            return self.eval(builds)
        finally:
            self.builder.calling.pop()

    def _condition(
        self,
        statement: cst.If | cst.SimpleStatementLine,
        taken: bool,
        suite: cst.CSTNode | None = None,
        test: str | None = None,
        line: int | None = None,
        tests: Sequence[cst.BaseExpression] = (),
        held: tuple[tuple[str, str], ...] | None = None,
    ) -> str | None:
        """Record an ``if`` of a helper's own body (see ``Condition``), ``suite`` its body and
        ``test`` its test's text (those of a mirrored ``if``'s ``else``, or of a conditional
        assignment at ``line``, whose test reads ``tests`` and whose variables hold ``held``
        when it is not taken); its id, when recorded. ``statement`` is the helper's own."""
        call = self.builder.within
        body = self.helper_bodies.get(call or "")
        if call is None or body is None:
            return None
        if isinstance(statement, cst.If):
            suite = statement.body if suite is None else suite
            tests = tests or [statement.test]
            if test is None and not syntax.simple_if(statement, body):
                return None
            test = self.code(statement.test) if test is None else test
        if suite is None or test is None or not find_any_order(suite, cst.Call):
            return None  # it only picks values, which the calls' keys compare
        if self.block_frame() is not self.frame:
            return None  # a function inside the helper, or the helper calling itself
        line = self.line(statement) if line is None else line
        read = set().union(*(self.names_in(t) for t in tests)) & self.frame.vars.keys()
        before = syntax.statements_before(body, statement)
        rebound = set().union(*(syntax.assigned_names(s) for s in before))
        parameters = {p.name.value for p in [*body.params.params, *body.params.kwonly_params]}
        condition = Condition(
            f"{call}:if{line}",
            line,
            test,
            taken,
            tuple(sorted(read & parameters - rebound)),
            reads_locals=bool(read - (parameters - rebound)),
            held=tuple(
                (name, value.tensor_id)
                for name in sorted(syntax.assigned_names(suite))
                if isinstance(value := self.frame.vars.get(name), TensorVal)
            )
            if held is None
            else held,
        )
        self.conditions.setdefault(call, []).append(condition)
        return condition.id

    def _given_otherwise(self, condition_id: str, suite: cst.BaseSuite) -> None:
        """A recorded ``if`` not taken whose ``else`` names what is there (``else: x =
        inputs``): what the names its body assigns hold after the ``else``, as its ``held``."""
        recorded = self.conditions.get(self.builder.within or "", [])
        at = next((i for i, c in enumerate(recorded) if c.id == condition_id), None)
        if at is None:
            return
        held = tuple(
            (name, value.tensor_id)
            for name in sorted(syntax.assigned_names(suite))
            if isinstance(value := self.frame.vars.get(name), TensorVal)
        )
        recorded[at] = replace(recorded[at], held=held)

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
