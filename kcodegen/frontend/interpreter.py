"""Abstract interpretation of a module's CST: statements run over abstract values, never real ones.

Layers, tensors and models become IR objects; numbers and strings are folded when that is safe (only
pure builtins such as ``range`` and ``len`` are ever evaluated); everything else stays as source text.
Helper functions are inlined where they are called, subclass ``__init__``/``call`` are interpreted
with abstract inputs, ``for`` loops over constants are unrolled and ``if`` on constants takes its
branch. Control flow that depends on run-time values is never guessed: the names it binds become
``Unknown`` and a model that needs them is refused with the line.
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import libcst as cst

from kcodegen.frontend import keras_api as api
from kcodegen.frontend import shapes, syntax
from kcodegen.frontend.builder import GraphBuilder, Origin
from kcodegen.frontend.cst_search import find_all, is_name
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.import_bindings import import_bindings
from kcodegen.frontend.names import canonical
from kcodegen.frontend.positions import LazyPositions
from kcodegen.frontend.records import ModelRecord, SequentialEntry
from kcodegen.frontend.substitute import Substitute, substitutable
from kcodegen.frontend.values import (
    BlockVal,
    ClassVal,
    Const,
    DictVal,
    FunctionVal,
    InputLayerVal,
    LayerVal,
    ModelVal,
    Opaque,
    SelfVal,
    SequenceVal,
    Symbol,
    TensorVal,
    TrainingFlag,
    Unknown,
    Value,
    const_value,
)
from kcodegen.ir import (
    Arg,
    CallArgument,
    Condition,
    Invocation,
    LayerSpec,
    Literal_,
    Loop,
    Mapping_,
    Seq,
    Span,
    TensorRef,
    tensor_refs,
)

_PURE_BUILTINS: dict[str, Callable[..., Any]] = {
    name: getattr(builtins, name)
    for name in [
        "range",
        "len",
        "int",
        "float",
        "str",
        "bool",
        "abs",
        "min",
        "max",
        "sum",
        "round",
        "tuple",
        "list",
        "dict",
        "enumerate",
        "zip",
        "reversed",
        "sorted",
    ]
}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.MatrixMultiply: operator.matmul,
}
# ``filters *= 2`` computes as ``filters * 2``.
_AUGMENTED: dict[type, type] = {
    cst.AddAssign: cst.Add,
    cst.SubtractAssign: cst.Subtract,
    cst.MultiplyAssign: cst.Multiply,
    cst.DivideAssign: cst.Divide,
    cst.FloorDivideAssign: cst.FloorDivide,
    cst.ModuloAssign: cst.Modulo,
    cst.PowerAssign: cst.Power,
    cst.MatrixMultiplyAssign: cst.MatrixMultiply,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
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
# Calls whose first argument is an array shape: model(tf.zeros((2, 7))) tells the input shape.
_ARRAY_MAKERS = ("zeros", "ones", "normal", "uniform", "rand", "randn", "random", "empty", "full")
_UNTRACKED_METHODS = frozenset(
    {"compile", "fit", "evaluate", "predict", "summary", "save", "save_weights"}
)
_MAX_UNROLL = 10_000


class _Return(Exception):
    def __init__(self, value: Value) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Frame:
    """Variables of one running block. ``block`` names the block for splicing (see ModelRecord)."""

    def __init__(self, block: str, parent: Frame | None) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent
        self.block = block
        self.statement = 0
        self.comments: tuple[str, ...] = ()
        self.trailing: str | None = None
        self.commented = False
        self.new_layers: list[str] = []  # layers created by the current statement
        # Names bound by unrolled loops: generated code has no loop, so they are written as values.
        self.loop_vars: set[str] = set()

    @property
    def is_module(self) -> bool:
        return self.parent is None


class Method(Value):
    """A bound method of an abstract object, e.g. ``model.add``."""

    def __init__(self, owner: Value, name: str, text: str) -> None:
        self.owner = owner
        self.name = name
        self.text = text


class Array(Value):
    """A concrete array built from a constant shape (``tf.zeros((2, 7))``)."""

    def __init__(self, shape: tuple[int | None, ...], text: str) -> None:
        self.shape = shape
        self.text = text


class Interpreter:
    def __init__(
        self,
        module: cst.Module,
        source: str,
        input_shapes: dict[str, tuple[int | None, ...]],
        binds: dict[str, str] | None = None,
        follow: frozenset[str] = frozenset(),
    ) -> None:
        self.module = module
        self.binds = binds or {}
        self.follow = follow  # Layer classes whose __init__ and call() are followed
        self.loop_frames: dict[str, Frame] = {}  # loop id -> the frame that runs it
        self.helper_bodies: dict[str, cst.FunctionDef] = {}  # helper call id -> its function
        self.conditions: dict[str, list[Condition]] = {}  # helper call id -> its ifs, so far
        self._commented: set[cst.CSTNode] = set()  # nested statements whose comments are placed
        self.class_of_block: dict[int, ClassVal] = {}  # id(SelfVal) of a followed layer
        self.positions = LazyPositions(module, source)
        self.builder = GraphBuilder()
        self.records: list[ModelRecord] = []
        self.nested_layers: dict[str, str] = {}  # model record id -> the layer it is as a part
        self.problems: list[Unsupported] = []
        self.input_shapes = input_shapes
        self.module_frame = Frame("", None)
        self.stack: list[Frame] = [self.module_frame]
        self.called_functions: set[str] = set()
        self.backbone_io: dict[tuple[str, str], str] = {}
        self.classes: dict[str, ClassVal] = {}
        self.record_of_self: dict[int, ModelRecord] = {}
        # By node (identity): substituted copies are short-lived, and an id can be reused.
        self._code: dict[cst.CSTNode, str] = {}
        self._names: dict[cst.CSTNode, frozenset[str]] = {}
        self.layer_configs: dict[str, shapes.Config] = {}  # by layer id, for ``self.shapes``
        self.shapes = shapes.Inference(self.builder, self.layer_configs)
        self.shape_problem: str | None = None  # why the last shape asked for is not known

    # --- entry points -------------------------------------------------------------------------
    def run(self) -> None:
        self.exec_block(self.module.body, self.module_frame)
        # Functions never called at module level may still build a model (``def build_model():``).
        for name, value in list(self.module_frame.vars.items()):
            if isinstance(value, FunctionVal) and name not in self.called_functions:
                self.explore_function(value)
        for cls in self.classes.values():
            instantiated = any(
                r.class_val is not None and r.class_val.node is cls.node for r in self.records
            )
            if cls.kind == "model" and not instantiated:
                self.explore_class(cls)

    def explore_function(self, func: FunctionVal) -> None:
        params = func.node.params
        args: list[Value] = []
        for param in params.params:
            if param.default is None:
                args.append(Opaque(param.name.value))
            else:
                args.append(self.eval_in(param.default, self.module_frame))
        try:
            self.call_function(func, args, {}, explore=True)
        except Unsupported as problem:
            self.problems.append(problem)
        except _Return:
            pass

    def explore_class(self, cls: ClassVal) -> None:
        try:
            self.instantiate_model(cls, [], {}, cls.node, explore=True)
        except Unsupported as problem:
            self.problems.append(problem)

    # --- positions and text -----------------------------------------------------------------
    def span(self, node: cst.CSTNode) -> Span:
        code_range = self.positions[node]
        start, end = code_range.start, code_range.end
        return Span(start.line, start.column, end.line, end.column)

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        """Source text of a node of the module (cached: unrolled loops ask for the same nodes often)."""
        if node not in self._code:
            self._code[node] = self.module.code_for_node(node)
        return self._code[node]

    def render(self, node: cst.BaseExpression, keep: Frame | None = None) -> str:
        """Source text of an expression, with names local to an inlined function replaced.

        Names bound in ``keep`` (and the frames it encloses) stay as written.
        """
        frame = self.stack[-1]
        if (frame.is_module or frame is keep) and not frame.loop_vars:
            return self.code(node)
        if not self._names_in(node) & substitutable(frame, keep):
            return self.code(node)
        substituted = node.visit(Substitute(self, frame, keep))
        assert isinstance(substituted, cst.CSTNode), "names are replaced, never removed"
        return self.code(substituted)

    def _names_in(self, node: cst.CSTNode) -> frozenset[str]:
        if node not in self._names:
            found: set[str] = set()

            class Collector(cst.CSTVisitor):
                def visit_Name(self, name: cst.Name) -> None:
                    found.add(name.value)

            node.visit(Collector())
            self._names[node] = frozenset(found)
        return self._names[node]

    @property
    def frame(self) -> Frame:
        return self.stack[-1]

    def origin(self) -> Origin:
        return tuple((f.block, f.statement) for f in self.stack)

    # --- names ------------------------------------------------------------------------------
    def lookup(self, name: str, frame: Frame | None = None) -> Value | None:
        frame = frame or self.frame
        scope: Frame | None = frame
        while scope is not None:
            if name in scope.vars:
                value = scope.vars[name]
                if scope.is_module and hasattr(value, "text") and not isinstance(value, Unknown):
                    try:
                        return replace(value, text=name)  # type: ignore[type-var]
                    except TypeError:
                        return value
                return value
            scope = scope.parent
        return None

    def bind(self, target: cst.BaseExpression, value: Value, node: cst.CSTNode) -> None:
        frame = self.frame
        if isinstance(target, cst.Name):
            frame.vars[target.value] = value
            self._note_binding(target.value, value)
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
            owner = self.eval(target.value)
            attr = target.attr.value
            if isinstance(owner, SelfVal):
                owner.attrs[attr] = value
                self._note_binding(attr, value)
                if isinstance(value, BlockVal) and id(owner) in self.record_of_self:
                    self._place_block(value, attr)
                if isinstance(value, SequenceVal):
                    value.text = f"self.{attr}"
                    self._place_items(value, 0)
            elif isinstance(owner, LayerVal):
                self.builder.set_layer_attr(owner.layer_id, attr, value.text, self.origin())
        # subscript targets and the like change nothing the model graph depends on

    def _note_binding(self, name: str, value: Value) -> None:
        """A direct binding names a layer or tensor; binding a structure only ties its statement to the model."""
        if isinstance(value, LayerVal):
            self.builder.name_layer(value.layer_id, name)
        elif isinstance(value, TensorVal):
            self.builder.name_tensor(value.tensor_id, name)
            self.builder.name_result(value.tensor_id, name)
        ids: set[str] = set()
        for item in _walk_values(value):
            if isinstance(item, LayerVal):
                ids.add(item.layer_id)
            elif isinstance(item, TensorVal):
                ids.add(item.tensor_id)
            elif isinstance(item, ModelVal):
                ids.add(item.record.id)
        if ids:
            self.builder.touch(self.origin(), ids)

    def _place_items(self, layers: SequenceVal, start: int) -> None:
        """Layers in a subclass's list attribute are found as ``blocks[i]`` in the built model,
        and those in a tuple of it as ``blocks[i][j]``."""
        if layers.text.startswith("self."):
            self._place_in(layers, layers.text[5:], start)

    def _place_in(self, items: SequenceVal, path: str, start: int = 0) -> None:
        for index, item in enumerate(items.items[start:], start):
            if isinstance(item, LayerVal):
                self.builder.place_layer(item.layer_id, f"{path}[{index}]")
            elif isinstance(item, SequenceVal):
                self._place_in(item, f"{path}[{index}]")
            elif isinstance(item, BlockVal):
                self._place_block(item, f"{path}[{index}]")

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
            raise _unknown_used(value, self.line(node))
        return [Opaque(f"{value.text}[{i}]") for i in range(count)]

    # --- statements -------------------------------------------------------------------------
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
            self._comment_layers(frame)

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
                self._comment_layers(frame)
            finally:  # a `continue  # why` keeps its comment: no step of a later pass takes it
                frame.new_layers = outer + frame.new_layers
                frame.commented = True

    def exec_statement(self, statement: cst.BaseStatement | cst.BaseSmallStatement) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
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
            for target in small.targets:
                self.bind(target.target, value, small)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value), small)
        elif isinstance(small, cst.AugAssign):
            left = self.eval(small.target)
            right = self.eval(small.value)
            op_text = self.code(small.operator).strip().rstrip("=")
            op_type = _AUGMENTED.get(type(small.operator), type(small.operator))
            value = self.binary(left, right, op_text, op_type, small)
            self.bind(small.target, value, small)
        elif isinstance(small, cst.Expr):
            self.eval(small.value)
        elif isinstance(small, cst.Return):
            raise _Return(self.eval(small.value) if small.value else Const(None, "None"))
        elif isinstance(small, cst.Break):
            raise _Break
        elif isinstance(small, cst.Continue):
            raise _Continue
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
        test = self.eval(statement.test)
        if isinstance(test, Const):
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
            return
        where = f"the `if` at line {self.line(statement)}"
        if find_all(statement, cst.Break, cst.Continue, cst.Return):
            raise Unsupported(
                f"{where} decides whether a loop or function goes on, {self._unknown_test()}",
                self.line(statement),
            )
        self.taint(statement, f"under {where}, {self._unknown_test()}")

    def _condition(self, statement: cst.If, taken: bool) -> str | None:
        """Record an ``if`` of a helper's own body (see ``Condition``); its id, when recorded."""
        call = self.builder.within
        body = self.helper_bodies.get(call or "")
        if call is None or body is None or not syntax.simple_if(statement, body):
            return None
        if self._block_frame() is not self.frame:
            return None  # a function inside the helper, or the helper calling itself
        line = self.line(statement)
        read = self._names_in(statement.test) & self.frame.vars.keys()
        before = body.body.body[: next(i for i, s in enumerate(body.body.body) if s is statement)]
        rebound = set().union(*(syntax.assigned_names(s) for s in before))
        parameters = {p.name.value for p in [*body.params.params, *body.params.kwonly_params]}
        condition = Condition(
            f"{call}:if{line}",
            line,
            self.code(statement.test),
            taken,
            tuple(sorted(read & parameters - rebound)),
            reads_locals=bool(read - (parameters - rebound)),
        )
        self.conditions.setdefault(call, []).append(condition)
        return condition.id

    def _unknown_test(self) -> str:
        """Why the test just evaluated has no value."""
        if self.shape_problem is not None:
            return f"whose test needs {self.shape_problem}"
        return "whose test is only known at run time"

    def exec_for(self, statement: cst.For) -> None:
        iterable = self.eval(statement.iter)
        items = _iterate(iterable)
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
        if len(items) > _MAX_UNROLL:
            where = f"the loop at line {self.line(statement)}"
            self.taint(statement, f"in {where}, which runs more than {_MAX_UNROLL} passes")
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
            frozenset(self._function_names() - targets),
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

    def _function_names(self) -> set[str]:
        """Names bound in the running function (and the functions around it): not module-level."""
        names: set[str] = set()
        scope: Frame | None = self.frame
        while scope is not None and not scope.is_module:
            names |= scope.vars.keys()
            scope = scope.parent
        return names

    def _in_loop_body(self) -> bool:
        """The code running is a ``for`` loop's own body (not a function it called)."""
        loop_id, is_pass, _ = (self.builder.within or "").partition(":")
        return bool(is_pass) and self.loop_frames.get(loop_id) is self.frame

    def exec_while(self, statement: cst.While) -> None:
        """A ``while`` whose test kcg can work out on every pass (``while x.shape[1] > 4:``)."""
        self.frame.loop_vars |= syntax.assigned_names(statement.body)
        where = f"the `while` loop at line {self.line(statement)}"
        for _ in range(_MAX_UNROLL):
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
        self.taint(statement, f"in {where}, which kcg stopped following after {_MAX_UNROLL} passes")

    def _loop_pass(
        self, body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement]
    ) -> bool:
        """One pass of a loop's body; False when it breaks out of the loop."""
        try:
            self.exec_nested(body)
        except _Continue:
            pass
        except _Break:
            return False
        return True

    def taint(self, statement: cst.CSTNode, reason: str) -> None:
        """What ``statement`` may bind or change (``model.add(...)`` under an ``if``) is unknown."""
        line = self.line(statement)
        for name in syntax.assigned_names(statement) | syntax.changed_objects(statement):
            before = self.frame.vars.get(name)
            if isinstance(before, ModelVal) and before.record.unknown is None:
                before.record.unknown = Unsupported(f"`{name}` may be changed {reason}", line)
            self.frame.vars[name] = Unknown(name, line, reason)

    def define_class(self, statement: cst.ClassDef) -> None:
        kind = "other"
        for base in statement.bases:
            value = self.eval(base.value)
            if isinstance(value, Symbol) and value.qualname in (api.MODEL, api.SEQUENTIAL):
                kind = "model"
            elif isinstance(value, Symbol) and value.qualname == api.LAYER_BASE:
                kind = "layer"
            elif isinstance(value, ClassVal) and value.kind != "other":
                kind = value.kind
        statement_index = self.frame.statement if self.frame.is_module else None
        cls = ClassVal(statement, kind, statement.name.value, statement_index, self.positions.near)
        self.frame.vars[statement.name.value] = cls
        if self.frame.is_module:
            self.classes[statement.name.value] = cls

    # --- expressions ------------------------------------------------------------------------
    def eval_in(self, node: cst.BaseExpression, frame: Frame) -> Value:
        self.stack.append(frame)
        try:
            return self.eval(node)
        finally:
            self.stack.pop()

    def eval(self, node: cst.BaseExpression) -> Value:
        if isinstance(node, cst.Name):
            return self.eval_name(node)
        if isinstance(
            node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
        ):
            try:
                return Const(ast.literal_eval(self.code(node)), self.code(node))
            except (ValueError, SyntaxError):
                return Opaque(self.code(node))
        if isinstance(node, cst.Attribute):
            return self.eval_attribute(node)
        if isinstance(node, cst.Call):
            return self.eval_call(node)
        if isinstance(node, (cst.List, cst.Tuple)):
            items: list[Value] = []
            for element in node.elements:
                value = self.eval(element.value)
                if isinstance(element, cst.StarredElement):  # [Input(...), *blocks]
                    unpacked = _iterate(value)
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
            left, right = self.eval(node.left), self.eval(node.right)
            return self.binary(
                left, right, self.code(node.operator).strip(), type(node.operator), node
            )
        if isinstance(node, cst.UnaryOperation):
            return self.eval_unary(node)
        if isinstance(node, cst.Comparison):
            return self.eval_comparison(node)
        if isinstance(node, cst.BooleanOperation):  # short-circuits, as Python does
            left = self.eval(node.left)
            if isinstance(left, Const) and bool(left.value) != isinstance(node.operator, cst.And):
                return Const(left.value, self.render(node))
            right = self.eval(node.right)
            if isinstance(left, Const) and isinstance(right, Const):
                return Const(right.value, self.render(node))
            return Opaque(self.render(node))
        if isinstance(node, cst.Subscript):
            return self.eval_subscript(node)
        if isinstance(node, cst.IfExp):
            test = self.eval(node.test)
            if isinstance(test, Const):
                return self.eval(node.body if test.value else node.orelse)
            return Opaque(self.render(node))
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return self.eval_comprehension(node)
        return Opaque(self.render(node))

    def eval_name(self, node: cst.Name) -> Value:
        value = self.lookup(node.value)
        if value is not None:
            return value
        if node.value in ("True", "False", "None"):
            return Const(ast.literal_eval(node.value), node.value)
        if node.value in _PURE_BUILTINS or node.value == "super":
            return Symbol(f"builtins.{node.value}", node.value)
        return Opaque(node.value)

    def eval_attribute(self, node: cst.Attribute) -> Value:
        owner = self.eval(node.value)
        attr = node.attr.value
        text = self.render(node)
        if isinstance(owner, Unknown):
            raise _unknown_used(owner, self.line(node))
        if isinstance(owner, Symbol):
            return Symbol(canonical(f"{owner.qualname}.{attr}"), text)
        if isinstance(owner, SelfVal):
            if attr in owner.attrs:
                return owner.attrs[attr]
            return self._class_constant(owner, attr) or Method(owner, attr, text)
        if isinstance(owner, TensorVal) and attr == "shape":
            return self.static_shape(owner, text)
        if isinstance(owner, LayerVal) and attr in ("input", "output"):
            return self.backbone_tensor(owner, attr, node)
        if isinstance(owner, LayerVal) and attr == "layers":
            return Method(owner, "layers", text)
        if isinstance(owner, Method) and owner.name == "layers_item" and attr == "output":
            if isinstance(owner.owner, LayerVal):
                return self.backbone_tensor(owner.owner, "output", node)
            raise Unsupported(_TAPPED_MODEL.format(text=text), self.line(node))
        if isinstance(owner, ModelVal) and attr in ("input", "inputs", "output", "outputs"):
            raise Unsupported(_TAPPED_MODEL.format(text=text), self.line(node))
        if isinstance(owner, (ModelVal, SequenceVal, Symbol)) or (
            isinstance(owner, Method) and owner.name == "super"
        ):
            return Method(owner, attr, text)
        if isinstance(owner, Const) and hasattr(owner.value, attr):
            return Opaque(text)
        return Opaque(text)

    def static_shape(self, tensor: TensorVal, text: str) -> Value:
        """``x.shape`` as a constant (batch size None) when the layers before it tell; otherwise
        opaque, with the reason kept for the ``if`` that asked."""
        try:
            shape = self.shapes.shape(tensor.tensor_id)
            return Const(shape, repr(shape))
        except shapes.NotStatic as why:
            self.shape_problem = f"the shape of `{tensor.text}`, and {why}"
            return Opaque(text)

    def layer_config(self, node: cst.Call) -> shapes.Config:
        """A new layer's arguments as values, for shape rules: only those computed without
        calling anything (evaluating a call again could build a second layer)."""

        def value(expression: cst.BaseExpression) -> Any:
            if syntax.calls_something(expression):
                return shapes.NOT_CONSTANT
            try:
                return const_value(self.eval(expression))
            except (LookupError, Unsupported):
                return shapes.NOT_CONSTANT

        args = [value(a.value) for a in node.args if a.keyword is None and not a.star]
        kwargs = {a.keyword.value: value(a.value) for a in node.args if a.keyword is not None}
        return shapes.Config(args, kwargs)

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
        _refuse_unknown([operand], self.line(node))
        if isinstance(operand, TensorVal):
            prefix = self.code(node.operator)
            return self.make_op((prefix, 0), [operand], node)
        return Opaque(self.render(node))

    def eval_comparison(self, node: cst.Comparison) -> Value:
        left = self.eval(node.left)
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator)
            compare = _COMPARE.get(type(target.operator))
            if isinstance(target.operator, cst.Is | cst.IsNot) and _known_object(left, right):
                left, right = _as_identity(left), _as_identity(right)  # self.proj is not None
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
            index = self.eval(node.slice[0].slice.value) if syntax.simple_index(node) else None  # type: ignore[attr-defined]
            if isinstance(index, Const) and index.value == -1:
                return Method(owner.owner, "layers_item", self.render(node))
            raise Unsupported(
                f"`{self.code(node)}` taps an inner layer of a nested model; only its last layer is supported",
                self.line(node),
            )
        _refuse_unknown([owner], self.line(node))
        if isinstance(owner, TensorVal):
            index_text = self.render(node).removeprefix(self.render(node.value))
            return self.make_op((0, index_text), [owner], node)
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
        items = _iterate(self.eval(comp.iter))
        if items is None:
            return Opaque(self.render(node))
        frame = Frame(self.frame.block, self.frame)
        frame.statement = self.frame.statement
        self.stack.append(frame)
        try:
            results = []
            for item in items[:_MAX_UNROLL]:
                self.bind(comp.target, item, node)
                results.append(self.eval(node.elt))
        finally:
            self.stack.pop()
        return SequenceVal(results, "list", self.render(node))

    def binary(
        self, left: Value, right: Value, op_text: str, op_type: type, node: cst.CSTNode
    ) -> Value:
        text = (
            self.render(node)
            if isinstance(node, cst.BaseExpression)
            else f"{left.text} {op_text} {right.text}"
        )
        if isinstance(left, Const) and isinstance(right, Const) and op_type in _BINARY:
            try:
                return Const(_BINARY[op_type](left.value, right.value), text)
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                return Opaque(text)
        if (  # [Input(...)] + block(16) + [Dense(1)]
            op_type is cst.Add
            and isinstance(left, SequenceVal)
            and isinstance(right, SequenceVal)
            and left.kind == right.kind
        ):
            return SequenceVal([*left.items, *right.items], left.kind, text)
        _refuse_unknown([left, right], self.line(node))
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

    # --- calls ------------------------------------------------------------------------------
    def eval_call(self, node: cst.Call) -> Value:
        func = self.eval(node.func)
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in node.args:
            if arg.star:
                return Opaque(self.render(node))
            value = self.eval(arg.value)
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return self.call(func, args, kwargs, node)

    def call(
        self, func: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        if isinstance(func, Symbol):
            return self.call_symbol(func, args, kwargs, node)
        if isinstance(func, LayerVal):
            return self.call_layer(func, node)
        if isinstance(func, FunctionVal):
            if func.closure is self.module_frame:
                self.called_functions.add(func.node.name.value)
                return self.call_helper(func, args, kwargs, node)
            return self.call_function(func, args, kwargs)
        if isinstance(func, ClassVal):
            if func.kind == "model":
                return self.instantiate_model(func, args, kwargs, node)
            if (
                func.kind == "layer"
                and func.node.name.value in self.follow
                and isinstance(self.lookup("self"), SelfVal)  # kept by a subclass, found by path
            ):
                return self.make_block(func, args, kwargs, node)
            if func.kind == "layer":
                return self.make_layer(func.node.name.value, self.render(node.func), node)
            return Opaque(self.render(node))
        if isinstance(func, BlockVal):
            return self.call_block(func, args, kwargs)
        if isinstance(func, Method):
            return self.call_method(func, args, kwargs, node)
        if isinstance(func, ModelVal):
            return self.call_model(func, args, node)
        if isinstance(func, Unknown):
            raise _unknown_used(func, self.line(node))
        return Opaque(self.render(node))

    def call_symbol(
        self, func: Symbol, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        qualname = func.qualname
        if qualname == api.INPUT:
            return self.make_input(node, args, kwargs)
        if qualname == api.INPUT_LAYER:
            return self.make_input_layer(node, args, kwargs)
        if qualname == api.SEQUENTIAL:
            return self.make_sequential(node, args, kwargs)
        if qualname == api.MODEL and (args or kwargs):
            return self.make_functional(node, args, kwargs)
        if qualname in api.MERGE_FUNCTIONS:
            return self.call_merge_function(qualname, node)
        if qualname in api.STATIC_SHAPE and len(args) == 1 and isinstance(args[0], TensorVal):
            return self.static_shape(args[0], self.render(node))
        if api.is_layer_class(qualname):
            return self.make_layer(qualname, self.render(node.func), node)
        if qualname == "builtins.super":
            return Method(SelfVal(), "super", "super()")
        if qualname.startswith("builtins."):
            return self.call_builtin(qualname, args, kwargs, node)
        arguments = list(_walk_values(SequenceVal([*args, *kwargs.values()], "list", "")))
        if api.is_op(qualname):
            _refuse_unknown(arguments, self.line(node))
        tensors = [v for v in arguments if isinstance(v, TensorVal)]
        if tensors and api.is_op(qualname):
            return self.make_call_op(node, tensors)
        if qualname.rsplit(".", 1)[-1] in _ARRAY_MAKERS and args:
            shape = _const_shape(args[0])
            if shape is not None:
                return Array(shape, self.render(node))
        return Opaque(self.render(node))

    def call_builtin(
        self, qualname: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        try:
            plain = [const_value(a) for a in args]
            named = {k: const_value(v) for k, v in kwargs.items()}
        except LookupError:
            if qualname == "builtins.len" and args and isinstance(args[0], SequenceVal):
                return Const(len(args[0].items), self.render(node))
            if (
                qualname in ("builtins.list", "builtins.tuple")
                and args
                and isinstance(args[0], SequenceVal)
            ):
                return args[0]
            return Opaque(self.render(node))
        try:
            result = _PURE_BUILTINS[qualname.removeprefix("builtins.")](*plain, **named)
            if isinstance(result, range) and len(result) > _MAX_UNROLL:
                return Opaque(self.render(node))
            if isinstance(result, (range, enumerate, zip, reversed)) or hasattr(result, "__next__"):
                result = list(result)
        except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, MemoryError):
            return Opaque(self.render(node))  # the call fails at run time too; not ours to judge
            if len(result) > _MAX_UNROLL:
                return Opaque(self.render(node))
        return Const(result, self.render(node))

    def call_function(
        self, func: FunctionVal, args: list[Value], kwargs: dict[str, Value], explore: bool = False
    ) -> Value:
        if len(self.stack) > 50:
            raise Unsupported("recursion too deep to follow", self.line(func.node))
        outer = self.frame
        block = func.node.name.value if func.closure is self.module_frame else outer.block
        frame = Frame(block, func.closure)
        self._bind_params(func.node.params, args, kwargs, frame)
        nested = block == outer.block and not func.closure.is_module
        if nested:
            frame.statement = outer.statement
        return self._invoke(func, frame, nested)

    def call_helper(
        self, func: FunctionVal, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        """A call of a module-level function: recorded as an Invocation, so that what it builds
        can be written back as one block."""
        builder = self.builder
        invocation_id = builder.new_id("c")
        parent = builder.within
        local = self._block_frame()
        in_loop = self._in_loop_body()
        arguments = tuple(
            CallArgument(
                arg.keyword.value if arg.keyword else None,
                self.render(arg.value),
                self.render(arg.value, local),
                value.tensor_id if isinstance(value, TensorVal) else None,
                self.code(arg.value) if in_loop else None,
            )
            for arg, value in zip(node.args, [*args, *kwargs.values()], strict=True)
        )
        builder.calling.append(invocation_id)
        self.helper_bodies[invocation_id] = func.node
        try:
            returned = self.call_function(func, args, kwargs)
        finally:
            builder.calling.pop()
        comments, trailing = self._take_comments()
        params = func.node.params
        simple = not params.posonly_params and not isinstance(params.star_arg, cst.Param)
        simple = simple and params.star_kwarg is None
        signature = [*params.params, *params.kwonly_params]
        given = {**dict(zip((p.name.value for p in params.params), args, strict=False)), **kwargs}
        builder.invocations[invocation_id] = Invocation(
            invocation_id,
            func.node.name.value,
            parent,
            tuple(
                (p.name.value, self.code(p.default) if p.default is not None else None)
                for p in signature
            )
            if simple
            else None,
            tuple(
                p.name.value for p in signature if isinstance(given.get(p.name.value), TensorVal)
            ),
            arguments,
            _tensor_ids(returned),
            self.span(node),
            branches=syntax.branches(func.node),
            comments=comments,
            trailing_comment=trailing,
            conditions=tuple(self.conditions.pop(invocation_id, ())),
            keyword_only=tuple(p.name.value for p in params.kwonly_params),
        )
        return returned

    def _invoke(self, func: FunctionVal, frame: Frame, nested: bool = False) -> Value:
        """Run a function body in ``frame``; its return value. A nested function's statements count
        as the statement that called it. Positions are looked for where the function is defined."""
        node = func.node
        self.stack.append(frame)
        caller, self.positions.near = self.positions.near, func.home
        try:
            if nested:
                self.exec_nested(node.body.body)
            else:
                self.exec_block(node.body.body, frame)  # type: ignore[arg-type]
        except _Return as result:
            return result.value
        finally:
            self.stack.pop()
            self.positions.near = caller
        return Const(None, "None")

    def _take_comments(self) -> tuple[tuple[str, ...], str | None]:
        """The running statement's comments, for the first step it makes (and only that one)."""
        frame = self.frame
        if frame.commented:
            return (), None
        frame.commented = True
        return frame.comments, frame.trailing

    def _comment_layers(self, frame: Frame) -> None:
        """Comments above a statement that only creates a layer (``shared = Dense(8)``) describe it."""
        if frame.comments and not frame.commented and frame.new_layers:
            layer_id = frame.new_layers[0]
            self.builder.layers[layer_id] = replace(
                self.builder.layers[layer_id], comments=frame.comments
            )

    def _bind_params(
        self, params: cst.Parameters, args: list[Value], kwargs: dict[str, Value], frame: Frame
    ) -> None:
        positional = [*params.posonly_params, *params.params]
        for index, param in enumerate(positional):
            name = param.name.value
            if index < len(args):
                frame.vars[name] = args[index]
            elif name in kwargs:
                frame.vars[name] = kwargs[name]
            elif param.default is not None:
                frame.vars[name] = self.eval_in(param.default, frame.parent or self.module_frame)
            else:
                frame.vars[name] = Opaque(name)
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                frame.vars[name] = kwargs[name]
            elif param.default is not None:
                frame.vars[name] = self.eval_in(param.default, frame.parent or self.module_frame)
            else:
                frame.vars[name] = Opaque(name)
        if isinstance(params.star_arg, cst.Param):
            frame.vars[params.star_arg.name.value] = SequenceVal(
                args[len(positional) :], "tuple", "()"
            )
        if params.star_kwarg is not None:
            frame.vars[params.star_kwarg.name.value] = Opaque("{}")

    def call_method(
        self, method: Method, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        owner, name = method.owner, method.name
        if name == "__init__" and isinstance(owner, Method) and owner.name == "super":
            subclass_record = self.current_subclass_record()
            if (
                subclass_record is not None
                and "name" in kwargs
                and isinstance(kwargs["name"], Const)
            ):
                subclass_record.keras_name = kwargs["name"].value
                subclass_record.name_text = kwargs["name"].text
            return Const(None, "None")
        if isinstance(owner, ModelVal):
            record: ModelRecord = owner.record
            if name == "add" and record.style == "sequential" and args:
                self.add_to_sequential(record, args[0], node)
                return Const(None, "None")
            shape_arg = args[0] if args else kwargs.get("input_shape")
            if name == "build" and shape_arg is not None:
                observed = _observed_shapes(shape_arg)
                if observed is not None:
                    record.built_shapes.append(observed)
                    record.builds.append((self.frame.block, self.frame.statement, node))
                return Const(None, "None")
            if name in _UNTRACKED_METHODS:
                return Opaque(self.render(node))
        if isinstance(owner, SelfVal):
            cls = self._class_of(owner)
            helper = syntax.method(cls.node, name) if cls is not None else None
            if cls is not None and helper is not None and name not in ("__init__", "call"):
                func = FunctionVal(
                    helper, self.module_frame, f"{cls.node.name.value}.{name}", cls.home
                )
                static = any(is_name(d.decorator, "staticmethod") for d in helper.decorators)
                return self.run_method(func, cls, name, args if static else [owner, *args], kwargs)
        if isinstance(owner, SequenceVal) and name in ("append", "extend") and args:
            start = len(owner.items)
            owner.items.extend([args[0]] if name == "append" else (_iterate(args[0]) or []))
            self._place_items(owner, start)
            return Const(None, "None")
        return Opaque(self.render(node))

    # --- keras objects ----------------------------------------------------------------------
    def make_layer(self, cls: str, callee: str, node: cst.Call) -> LayerVal:
        args, kwargs = self.constructor_args(node)
        name = next((v for k, v in kwargs if k == "name"), None)
        layer_id = self.builder.new_id("l")
        scope = self.frame.block if self._is_function_block(self.frame.block) else ""
        local_args = local_kwargs = None
        if scope:
            local = self._block_frame()
            local_args = tuple(self.render(a.value, local) for a in node.args if a.keyword is None)
            local_kwargs = tuple(
                (a.keyword.value, self.render(a.value, local))
                for a in node.args
                if a.keyword is not None
            )
        source_args = source_kwargs = None
        if self._in_loop_body():
            source_args = tuple(self.code(a.value) for a in node.args if a.keyword is None)
            source_kwargs = tuple(
                (a.keyword.value, self.code(a.value)) for a in node.args if a.keyword is not None
            )
        spec = LayerSpec(
            layer_id,
            cls,
            callee,
            args,
            kwargs,
            None,
            syntax.string_literal(name),
            self.span(node),
            scope=scope,
            local_args=local_args,
            local_kwargs=local_kwargs,
            source_args=source_args,
            source_kwargs=source_kwargs,
        )
        self.builder.add_layer(spec, self.origin())
        self.layer_configs[layer_id] = self.layer_config(node)
        self.frame.new_layers.append(layer_id)
        return LayerVal(layer_id, self.render(node))

    def _is_function_block(self, block: str) -> bool:
        return isinstance(self.module_frame.vars.get(block), FunctionVal)

    def _block_frame(self) -> Frame:
        """The outermost running frame of the current block: its names are in scope at the site."""
        return next(f for f in self.stack if f.block == self.frame.block)

    def constructor_args(
        self, node: cst.Call
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        args = tuple(self._argument_text(a.value) for a in node.args if a.keyword is None)
        kwargs = tuple(
            (a.keyword.value, self._argument_text(a.value))
            for a in node.args
            if a.keyword is not None
        )
        return args, kwargs

    def _argument_text(self, expression: cst.BaseExpression) -> str:
        """An argument as written, but one read from a tensor's shape (``x.shape[-1]``) as its
        value: the tensor is not there where the generated code creates the layer."""
        reads_shape = any(a.attr.value == "shape" for a in find_all(expression, cst.Attribute))
        if reads_shape and not syntax.calls_something(expression):
            value = self.eval(expression)
            if isinstance(value, Const) and syntax.is_literal(repr(value.value)):
                return repr(value.value)
        return self.render(expression)

    def call_layer(self, layer: LayerVal, node: cst.Call) -> Value:
        args: list[Arg] = []
        kwargs: list[tuple[str, Arg]] = []
        has_tensor = False
        for arg in node.args:
            value = self.eval(arg.value)
            if isinstance(value, TrainingFlag):
                continue  # forwarding the model's own flag: every style does that implicitly
            converted = self.to_arg(value, arg.value)
            has_tensor = has_tensor or any(True for _ in tensor_refs(converted))
            if arg.keyword is None:
                args.append(converted)
            else:
                kwargs.append((arg.keyword.value, converted))
        if not has_tensor:
            return Opaque(self.render(node))
        comments, trailing = self._take_comments()
        tensor_id = self.builder.add_node(
            layer.layer_id,
            tuple(args),
            tuple(kwargs),
            self.span(node),
            self.origin(),
            comments,
            trailing,
        )
        return TensorVal(tensor_id, self.render(node))

    def call_merge_function(self, qualname: str, node: cst.Call) -> Value:
        """``concatenate([a, b], axis=-1)``: the first argument is the tensors, the rest configure the layer."""
        if not node.args or node.args[0].keyword is not None:
            return Opaque(self.render(node))
        inputs = self.eval(node.args[0].value)
        layer_id = self.builder.new_id("l")
        kwargs = tuple(
            (a.keyword.value, self.render(a.value)) for a in node.args[1:] if a.keyword is not None
        )
        name = syntax.string_literal(next((v for k, v in kwargs if k == "name"), None))
        short = qualname.rsplit(".", 1)[-1]
        spec = LayerSpec(
            layer_id,
            api.MERGE_FUNCTIONS[qualname],
            self.render(node.func),
            (),
            kwargs,
            None,
            name,
            self.span(node),
            merge_function=short,
        )
        self.builder.add_layer(spec, self.origin())
        self.layer_configs[layer_id] = shapes.Config([], self.layer_config(node).kwargs)
        comments, trailing = self._take_comments()
        tensor_id = self.builder.add_node(
            layer_id,
            (self.to_arg(inputs, node.args[0].value),),
            (),
            self.span(node),
            self.origin(),
            comments,
            trailing,
        )
        return TensorVal(tensor_id, self.render(node))

    def to_arg(self, value: Value, node: cst.BaseExpression | None) -> Arg:
        if isinstance(value, TensorVal):
            return TensorRef(value.tensor_id)
        if isinstance(value, SequenceVal) and any(_has_tensor(v) for v in value.items):
            kind = "list" if value.kind == "list" else "tuple"
            return Seq(tuple(self.to_arg(v, None) for v in value.items), kind)  # type: ignore[arg-type]
        if isinstance(value, DictVal) and any(_has_tensor(v) for _, _, v in value.items):
            return Mapping_(
                tuple((key_text, self.to_arg(v, None)) for _, key_text, v in value.items)
            )
        if isinstance(value, Unknown):
            raise _unknown_used(value, value.line)
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
            *self._take_comments(),
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
        if isinstance(value, SequenceVal) and any(_has_tensor(v) for v in value.items):
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

    def make_input(self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]) -> Value:
        shape_node = syntax.argument(node, 0, "shape")
        text_kwargs = [
            (a.keyword.value, self.render(a.value)) for a in node.args if a.keyword is not None
        ]
        shape_value = self.eval(shape_node) if shape_node is not None else None
        name = syntax.string_literal(dict(text_kwargs).get("name"))
        dtype = syntax.string_literal(dict(text_kwargs).get("dtype"))
        fields = {
            "name": name or "inputs",
            "shape": _const_shape(shape_value) if shape_value is not None else None,
            "shape_text": self.render(shape_node) if shape_node is not None else None,
            "dtype": dtype,
            "keras_name": name,
            "kwargs": tuple((k, v) for k, v in text_kwargs if k != "shape"),
            "span": self.span(node),
            **self._local_shape(shape_node),
        }
        tensor_id = self.builder.add_input(fields, self.origin(), None)
        return TensorVal(tensor_id, self.render(node))

    def _local_shape(self, shape_node: cst.BaseExpression | None) -> dict[str, Any]:
        """An input made in a builder function: its shape as written there (``(latent,)``)."""
        scope = self.frame.block if self._is_function_block(self.frame.block) else ""
        if not scope or shape_node is None:
            return {}
        return {"scope": scope, "local_shape_text": self.render(shape_node, self._block_frame())}

    def make_input_layer(
        self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        shape_node = syntax.argument(node, 0, "shape") or syntax.argument(node, None, "input_shape")
        shape_value = self.eval(shape_node) if shape_node is not None else None
        text_kwargs = [
            (a.keyword.value, self.render(a.value))
            for a in node.args
            if a.keyword is not None and a.keyword.value not in ("shape", "input_shape")
        ]
        return InputLayerVal(
            text_kwargs,
            self.render(shape_node) if shape_node is not None else None,
            _const_shape(shape_value) if shape_value is not None else None,
            self.render(node),
            self.line(node),
            **self._local_shape(shape_node),
        )

    def backbone_tensor(self, layer: LayerVal, attr: str, node: cst.CSTNode) -> Value:
        """``base.input`` / ``base.output`` of an application model used as a layer."""
        key = (layer.layer_id, attr)
        if key in self.backbone_io:
            return TensorVal(
                self.backbone_io[key],
                self.render(node) if isinstance(node, cst.BaseExpression) else "",
            )
        spec = self.builder.layers[layer.layer_id]
        if not spec.cls.startswith("keras.applications."):
            return Opaque(self.render(node) if isinstance(node, cst.BaseExpression) else "")
        if attr == "output":
            source = self.backbone_tensor(layer, "input", node)
            assert isinstance(source, TensorVal)
            tensor_id = self.builder.add_node(
                layer.layer_id,
                (TensorRef(source.tensor_id),),
                (),
                self.span(node),
                self.origin(),
                (),
                None,
            )
        else:
            shape_text = spec.kwarg("input_shape")
            shape = _const_shape(self.eval_text_in_module(shape_text)) if shape_text else None
            fields = {
                "name": "inputs",
                "shape": shape,
                "shape_text": shape_text,
                "dtype": None,
                "keras_name": None,
                "kwargs": (),
                "span": self.span(node),
            }
            tensor_id = self.builder.add_input(fields, self.origin(), None)
        self.backbone_io[key] = tensor_id
        return TensorVal(tensor_id, "")

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

    # --- models -----------------------------------------------------------------------------
    def new_record(self, style: str, node: cst.CSTNode) -> ModelRecord:
        frame = self.frame
        record = ModelRecord(
            id=self.builder.new_id("m"),
            style=style,  # type: ignore[arg-type]
            block=frame.block,
            statement=frame.statement,
            binding=None,
            span=self.span(node),
            comments=frame.comments,
        )
        self.records.append(record)
        return record

    def make_functional(self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]) -> Value:
        inputs = kwargs.get("inputs", args[0] if args else None)
        outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
        if inputs is None or outputs is None or not (_has_tensor(inputs) and _has_tensor(outputs)):
            for value in (inputs, outputs):
                if isinstance(value, Unknown):
                    raise _unknown_used(value, value.line)
            return Opaque(self.render(node))
        record = self.new_record("functional", node)
        record.inputs, record.outputs = inputs, outputs
        self._record_name(record, node)
        value = ModelVal(record, self.render(node))
        self.builder.touch(self.origin(), {record.id})
        return value

    def _record_name(self, record: ModelRecord, node: cst.Call) -> None:
        name_node = syntax.argument(node, None, "name")
        if name_node is not None:
            record.keras_name = syntax.string_literal(self.code(name_node))
            record.name_text = self.render(name_node) if record.keras_name else None

    def make_sequential(self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]) -> Value:
        record = self.new_record("sequential", node)
        self._record_name(record, node)
        layers = kwargs.get("layers", args[0] if args else None)
        if layers is not None:
            items = _iterate(layers)
            if items is None:
                raise Unsupported(
                    "the Sequential's layer list is only known at run time", self.line(node)
                )
            notes = syntax.element_comments(syntax.argument(node, 0, "layers"), len(items))
            for item, (comments, trailing) in zip(items, notes, strict=True):
                self.add_to_sequential(record, item, node, in_constructor=True)
                record.entries[-1].comments, record.entries[-1].trailing = comments, trailing
        self.builder.touch(self.origin(), {record.id})
        return ModelVal(record, self.render(node))

    def add_to_sequential(
        self, record: ModelRecord, value: Value, node: cst.CSTNode, in_constructor: bool = False
    ) -> None:
        if isinstance(value, TensorVal) and value.tensor_id in self.builder.tensors:
            producer = self.builder.producer(value.tensor_id)
            if producer in self.builder.inputs:  # keras.Input(...) as the first entry
                spec = self.builder.inputs[producer]
                value = InputLayerVal(
                    list(spec.kwargs),
                    spec.shape_text,
                    spec.shape,
                    value.text,
                    self.line(node),
                    spec.scope,
                    spec.local_shape_text,
                )
        if isinstance(value, ModelVal):
            value = self.nested_layer(value, value.text if value.text.isidentifier() else None)
        if not isinstance(value, (LayerVal, InputLayerVal)):
            if isinstance(value, Unknown):
                raise _unknown_used(value, value.line)
            raise Unsupported(f"`{value.text}` is not a layer the converter knows", self.line(node))
        frame = self.frame
        comments = () if in_constructor else frame.comments
        trailing = None if in_constructor else frame.trailing
        record.entries.append(SequentialEntry(value, self.origin(), comments, trailing))
        if not in_constructor:
            if frame.block == record.block:
                record.extra_statements.add(frame.statement)
            ids = {record.id} | ({value.layer_id} if isinstance(value, LayerVal) else set())
            self.builder.touch(self.origin(), ids)

    def instantiate_model(
        self,
        cls: ClassVal,
        args: list[Value],
        kwargs: dict[str, Value],
        node: cst.CSTNode,
        explore: bool = False,
    ) -> Value:
        record = self.new_record("subclassing", node)
        if explore:
            record.statement = cls.statement if cls.statement is not None else 0
            record.block = "<class>"
        try:
            return self._instantiate(record, cls, args, kwargs, node)
        except Unsupported as problem:
            record.unknown = problem  # the model is refused for this, not for what follows from it
            raise

    def _instantiate(
        self,
        record: ModelRecord,
        cls: ClassVal,
        args: list[Value],
        kwargs: dict[str, Value],
        node: cst.CSTNode,
    ) -> Value:
        """Run ``__init__`` and ``call()`` on abstract inputs."""
        record.class_val = cls
        record.self_val = SelfVal()
        self.record_of_self[id(record.self_val)] = record
        kwargs.pop("name", None)
        if isinstance(node, cst.Call):
            self._record_name(record, node)
        init = syntax.method(cls.node, "__init__")
        if init is not None:
            func = FunctionVal(init, self.module_frame, f"{cls.node.name.value}.__init__", cls.home)
            self.run_method(func, cls, "__init__", [record.self_val, *args], kwargs)
        call = syntax.method(cls.node, "call")
        if call is None:
            raise Unsupported(f"{cls.node.name.value} defines no call()", self.line(cls.node))
        params = [p for p in call.params.params[1:]]
        inputs_param = params[0].name.value if params else "inputs"
        record.call_param = inputs_param
        input_value = self.subclass_inputs(record, inputs_param, call)
        call_args: list[Value] = [record.self_val, input_value]
        call_kwargs: dict[str, Value] = {}
        for param in params[1:]:
            if param.name.value == "training":
                call_kwargs["training"] = TrainingFlag()
            elif param.default is not None:
                call_kwargs[param.name.value] = self.eval_in(param.default, self.module_frame)
        func = FunctionVal(call, self.module_frame, f"{cls.node.name.value}.call", cls.home)
        record.outputs = self.run_method(func, cls, "call", call_args, call_kwargs)
        if not _has_tensor(record.outputs):
            raise Unsupported(
                f"{cls.node.name.value}.call() returns no tensor computed from its inputs",
                self.line(call),
            )
        self.builder.touch(self.origin(), {record.id})
        return ModelVal(
            record,
            self.render(node) if isinstance(node, cst.BaseExpression) else cls.node.name.value,
        )

    def subclass_inputs(self, record: ModelRecord, param: str, call: cst.FunctionDef) -> Value:
        """One abstract input for ``call(self, inputs)``; several when the body unpacks or indexes it."""
        params = call.params.params
        where = self.span(params[1] if len(params) > 1 else call)  # the `call(self, inputs)` line
        unpack = syntax.unpacked_count(call, param)
        keys = syntax.subscript_keys(call, param)
        if unpack:
            record.input_kind = "list"
            items: list[Value] = [
                self._subclass_input(record, where, f"{param}_{i}", named=False)
                for i in range(unpack)
            ]
            return SequenceVal(items, "list", param)
        if keys and all(isinstance(k, str) for k in keys):
            record.input_kind = "dict"
            record.input_keys = [syntax.quoted(k) for k in keys]
            return DictVal(
                [
                    (k, syntax.quoted(k), self._subclass_input(record, where, k, named=False))
                    for k in keys
                ],
                param,
            )
        if keys and all(isinstance(k, int) for k in keys):
            record.input_kind = "list"
            count = max(keys) + 1
            items = [
                self._subclass_input(record, where, f"{param}_{i}", named=False)
                for i in range(count)
            ]
            return SequenceVal(items, "list", param)
        return self._subclass_input(record, where, param)

    def _subclass_input(
        self, record: ModelRecord, where: Span, name: str, named: bool = True
    ) -> TensorVal:
        """One abstract input; a part of ``inputs`` is named by the variable that unpacks it."""
        fields = {
            "name": name,
            "shape": self.input_shapes.get(name),
            "shape_text": None,
            "dtype": None,
            "keras_name": None,
            "kwargs": (),
            "span": where,
        }
        tensor_id = self.builder.add_input(fields, self.origin(), name if named else None)
        record.input_tensors.append(tensor_id)
        return TensorVal(tensor_id, name)

    def run_method(
        self,
        func: FunctionVal,
        cls: ClassVal,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        frame = Frame(f"{cls.node.name.value}.{method}", self.module_frame)
        self._bind_params(func.node.params, args, kwargs, frame)
        return self._invoke(func, frame)

    def _class_of(self, self_val: SelfVal) -> ClassVal | None:
        record = self.record_of_self.get(id(self_val))
        return record.class_val if record is not None else self.class_of_block.get(id(self_val))

    def make_block(
        self, cls: ClassVal, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> BlockVal:
        """A followed Layer class: its ``__init__`` runs now, its ``call()`` where it is called."""
        block = BlockVal(cls, SelfVal(), self.render(node))
        self.class_of_block[id(block.self_val)] = cls
        init = syntax.method(cls.node, "__init__")
        if init is not None:
            func = FunctionVal(init, self.module_frame, f"{cls.node.name.value}.__init__", cls.home)
            self.run_method(func, cls, "__init__", [block.self_val, *args], kwargs)
        return block

    def call_block(self, block: BlockVal, args: list[Value], kwargs: dict[str, Value]) -> Value:
        cls = block.cls
        call = syntax.method(cls.node, "call")
        if call is None:
            raise Unsupported(f"{cls.node.name.value} defines no call()", self.line(cls.node))
        build = syntax.method(cls.node, "build")
        if build is not None and not block.built and args and isinstance(args[0], TensorVal):
            block.built = True  # Keras builds a layer on its first call, from the input's shape
            shape = self.static_shape(args[0], args[0].text)
            func = FunctionVal(build, self.module_frame, f"{cls.node.name.value}.build", cls.home)
            self.run_method(func, cls, "build", [block.self_val, shape], {})
            if block.path is not None:
                self._place_block(block, block.path)
        func = FunctionVal(call, self.module_frame, f"{cls.node.name.value}.call", cls.home)
        return self.run_method(func, cls, "call", [block.self_val, *args], kwargs)

    def _place_block(self, block: BlockVal, path: str) -> None:
        """The layers of a followed block kept by a model as ``self.<path>``: ``path.conv``."""
        block.path = path  # layers its build() makes later are placed then
        for attr, value in block.self_val.attrs.items():
            if isinstance(value, LayerVal):
                self.builder.place_layer(value.layer_id, f"{path}.{attr}")
            elif isinstance(value, BlockVal):
                self._place_block(value, f"{path}.{attr}")

    def _class_constant(self, self_val: SelfVal, attr: str) -> Value | None:
        """``self.SIZES`` where the class body says ``SIZES = (8, 4)``."""
        cls = self._class_of(self_val)
        for statement in cls.node.body.body if cls is not None else ():
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (
                        isinstance(small, cst.Assign)
                        and len(small.targets) == 1
                        and is_name(small.targets[0].target, attr)
                    ):
                        return self.eval_in(small.value, self.module_frame)
        return None

    def current_subclass_record(self) -> ModelRecord | None:
        self_val = self.lookup("self")
        return self.record_of_self.get(id(self_val)) if isinstance(self_val, SelfVal) else None

    def call_model(self, model: ModelVal, args: list[Value], node: cst.Call) -> Value:
        record = model.record
        observed = _observed_shapes(args[0]) if args and not _has_tensor(args[0]) else None
        if observed is None and args and self._fresh_inputs(node.args[0].value):
            observed = self._input_shapes(args[0], record.built_dtypes)
        if observed is not None:
            record.built_shapes.append(observed)
            record.builds.append((self.frame.block, self.frame.statement, node))
            return Opaque(self.render(node))
        if args and _has_tensor(args[0]):
            name = syntax.callee_name(node.func)
            if isinstance(node.func, cst.Name):  # the name the code uses is in scope at the site
                model = ModelVal(model.record, node.func.value)
            return self.call_layer(self.nested_layer(model, name), node)
        return Opaque(self.render(node))

    def _fresh_inputs(self, node: cst.BaseExpression) -> bool:
        """``keras.Input(...)`` written in place (or a list or dict of them): a call on it only
        builds the model (``model(keras.Input(shape=(7,)))``)."""
        if isinstance(node, cst.List | cst.Tuple):
            return bool(node.elements) and all(self._fresh_inputs(e.value) for e in node.elements)
        if isinstance(node, cst.Dict):
            return bool(node.elements) and all(
                isinstance(e, cst.DictElement) and self._fresh_inputs(e.value)
                for e in node.elements
            )
        if not isinstance(node, cst.Call):
            return False
        callee = self.eval(node.func)
        return isinstance(callee, Symbol) and callee.qualname == api.INPUT

    def _input_shapes(
        self, value: Value, dtypes: dict[object, str]
    ) -> dict[object, tuple[int | None, ...]] | None:
        """Shapes (with batch) of the inputs a model is called on, keyed as ``_observed_shapes``
        keys them; their dtypes go to ``dtypes``."""
        specs = {spec.tensor: spec for spec in self.builder.inputs.values()}
        if isinstance(value, TensorVal):
            keyed: list[tuple[object, Value]] = [(0, value)]
        elif isinstance(value, SequenceVal):
            keyed = list(enumerate(value.items))
        elif isinstance(value, DictVal):
            keyed = [(key, item) for key, _, item in value.items]
        else:
            return None
        shapes: dict[object, tuple[int | None, ...]] = {}
        for key, item in keyed:
            spec = specs.get(item.tensor_id) if isinstance(item, TensorVal) else None
            if spec is None or spec.shape is None:
                return None
            shapes[key] = (None, *spec.shape)
            if spec.dtype is not None:
                dtypes[key] = spec.dtype
        return shapes

    def nested_layer(self, model: ModelVal, var_name: str | None) -> LayerVal:
        """A model used as a layer of another: one LayerSpec per model object, so reuse is sharing.

        The layer is the model as the outer code refers to it (``encoder``): nothing is constructed.
        """
        record = model.record
        layer_id = self.nested_layers.get(record.id)
        if layer_id is None:
            layer_id = self.builder.new_id("l")
            spec = LayerSpec(
                layer_id,
                api.MODEL,
                model.text,
                (),
                (),
                var_name or record.binding,
                record.keras_name,
                record.span,
                submodel=record.id,
            )
            self.builder.add_layer(spec, self.origin())
            self.nested_layers[record.id] = layer_id
        return LayerVal(layer_id, model.text)


_TAPPED_MODEL = (
    "`{text}` reaches into a model of this file; calling the model on a tensor "
    "(`model(x)`) is supported, its inner tensors are not yet"
)


# --- small helpers ------------------------------------------------------------------------------
def _walk_values(value: Value) -> Iterator[Value]:
    yield value
    if isinstance(value, SequenceVal):
        for item in value.items:
            yield from _walk_values(item)
    elif isinstance(value, DictVal):
        for _, _, item in value.items:
            yield from _walk_values(item)


def _has_tensor(value: Value | None) -> bool:
    return value is not None and any(isinstance(v, TensorVal) for v in _walk_values(value))


def _known_object(left: Value, right: Value) -> bool:
    """One side is None and the other an object the interpreter made: ``is`` can be decided."""
    made = (LayerVal, BlockVal, TensorVal, ModelVal)
    return (isinstance(left, Const) and left.value is None and isinstance(right, made)) or (
        isinstance(right, Const) and right.value is None and isinstance(left, made)
    )


def _as_identity(value: Value) -> Value:
    """A made object as a constant that is not None, for ``is`` against None."""
    return value if isinstance(value, Const) else Const(object(), value.text)


def _tensor_ids(value: Value) -> tuple[str, ...]:
    """The tensors a helper returned: one, or a tuple or list of them; () for anything else."""
    if isinstance(value, TensorVal):
        return (value.tensor_id,)
    if isinstance(value, SequenceVal) and all(isinstance(v, TensorVal) for v in value.items):
        return tuple(v.tensor_id for v in value.items if isinstance(v, TensorVal))
    return ()


def _iterate(value: Value) -> list[Value] | None:
    if isinstance(value, SequenceVal):
        return list(value.items)
    if isinstance(value, DictVal):
        return [Const(k, text) for k, text, _ in value.items]
    if isinstance(value, Const) and isinstance(value.value, (list, tuple, range, str)):
        return [_const(v) for v in value.value]
    return None


def _const(value: Any) -> Value:
    if isinstance(value, tuple):
        return SequenceVal([_const(v) for v in value], "tuple", repr(value))
    return Const(value, repr(value))


def _observed_shapes(value: Value) -> dict[object, tuple[int | None, ...]] | None:
    """Input shapes (with batch) from ``build(...)``'s argument or arrays a model is called on,
    keyed by input position, or by key for dict inputs."""
    if isinstance(value, Array):
        return {0: value.shape}
    if (
        isinstance(value, SequenceVal)
        and value.items
        and all(isinstance(i, Array) for i in value.items)
    ):
        return {index: item.shape for index, item in enumerate(value.items)}  # type: ignore[attr-defined]
    if isinstance(value, DictVal):
        shapes = {
            key: item.shape if isinstance(item, Array) else _const_shape(item)
            for key, _, item in value.items
        }
        return shapes if all(shape is not None for shape in shapes.values()) else None  # type: ignore[return-value]
    shape = _const_shape(value)
    if shape is not None:
        return {0: shape}
    try:
        raw = const_value(value)
    except LookupError:
        return None
    items = (
        raw.items()
        if isinstance(raw, dict)
        else enumerate(raw)
        if isinstance(raw, (list, tuple))
        else ()
    )
    shapes = {key: _shape_of(item) for key, item in items}
    return shapes if shapes and all(v is not None for v in shapes.values()) else None  # type: ignore[return-value]


def _shape_of(raw: object) -> tuple[int | None, ...] | None:
    if isinstance(raw, (list, tuple)) and all(d is None or isinstance(d, int) for d in raw):
        return tuple(raw)
    return None


def _const_shape(value: Value | None) -> tuple[int | None, ...] | None:
    if value is None:
        return None
    try:
        raw = const_value(value)
    except LookupError:
        return None
    if isinstance(raw, int):
        raw = (raw,)
    if isinstance(raw, (list, tuple)) and all(d is None or isinstance(d, int) for d in raw):
        return tuple(raw)
    return None


def _unknown_used(value: Unknown, line: int) -> Unsupported:
    return Unsupported(f"`{value.text}` is bound {value.reason}", line, cause=value)


def _refuse_unknown(values: Sequence[Value], line: int) -> None:
    """An operation on a value kcg could not follow has no known result either."""
    for value in values:
        if isinstance(value, Unknown):
            raise _unknown_used(value, line)
