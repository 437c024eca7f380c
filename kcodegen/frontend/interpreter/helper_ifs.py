"""The ``if``s of a helper's own body, recorded as ``Condition``s as the interpreter runs them.

A block class made from a helper keeps an ``if`` some calls took (a shortcut projected only where
the shape changes): each call records, per ``if``, whether it took it, what its body made
(``within`` names the Condition) and what its variables hold when it is not taken. Besides plain
``if``s, an ``if`` whose ``else`` builds (``syntax.mirrored_if``) runs as ``if not test:``, one whose
``else`` builds only through conditional expressions (``syntax.chosen_if``) and those expressions
(``name = A if test else B``) as ifs of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from kcodegen.frontend import syntax
from kcodegen.frontend.cst_search import find_any_order
from kcodegen.frontend.interpreter.state import InterpreterState
from kcodegen.frontend.values import Const, TensorVal, Value, truth
from kcodegen.ir import Condition


class HelperIfs(InterpreterState):
    """Runs and records the ``if``s of a helper's body that a block class may keep."""

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
            held=self._held(statement, suite) if held is None else held,
            returns=bool(find_any_order(suite, cst.Return)),
        )
        self.conditions.setdefault(call, []).append(condition)
        return condition.id

    def _held(self, statement: cst.CSTNode, suite: cst.CSTNode) -> tuple[tuple[str, str], ...]:
        """The tensors the names ``suite`` assigns hold when it does not run: what the ``if``'s
        other part names, where it only names (``else: x = inputs``), worked out without running
        it; else what they hold now."""
        assigned = syntax.assigned_names(suite)
        values = {name: self.frame.vars.get(name) for name in assigned}
        if isinstance(statement, cst.If) and isinstance(statement.orelse, cst.Else):
            other = statement.orelse.body if suite is statement.body else statement.body
            if not find_any_order(other, cst.Call, cst.Lambda):
                given = self._names_given(other)
                values.update((name, given[name]) for name in assigned & given.keys())
        return tuple(
            (name, value.tensor_id)
            for name, value in sorted(values.items())
            if isinstance(value, TensorVal)
        )

    def _names_given(self, suite: cst.BaseSuite) -> dict[str, Value]:
        """What ``name = other_name`` statements of ``suite`` bind, each read before any of
        them runs: empty where one reads a name another binds, or the suite does more."""
        given: dict[str, Value] = {}
        bound = syntax.assigned_names(suite)
        for line in suite.body:
            for small in line.body if isinstance(line, cst.SimpleStatementLine) else [None]:
                if not (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and not self.names_in(small.value) & bound
                ):
                    return {}
                given[small.targets[0].target.value] = self.eval(small.value)
        return given

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
