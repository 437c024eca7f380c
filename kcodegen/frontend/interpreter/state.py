"""What every part of the interpreter shares: the run's state, source text and positions.

``InterpreterState`` holds the run's state and answers questions about the source (positions,
text, names); the Python core (``statements``, ``expressions``, ``calls``) and the Keras plugin
(``brain/``) are mixins over it. The methods one part calls in another are declared below, for
the type checker only: that list is the contract between the parts.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import libcst as cst

from kcodegen.frontend import shapes
from kcodegen.frontend.builder import GraphBuilder, Origin
from kcodegen.frontend.cst_search import find_any_order
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.interpreter.frame import Frame
from kcodegen.frontend.interpreter.substitute import (
    NotWritable,
    Substitute,
    replaces_any,
    substitutable,
)
from kcodegen.frontend.positions import LazyPositions
from kcodegen.frontend.records import ModelRecord
from kcodegen.frontend.values import ClassVal, FunctionVal, TensorVal, Unknown, Value
from kcodegen.ir import Condition, Span

if TYPE_CHECKING:
    from kcodegen.frontend.keras_config import Assumption
    from kcodegen.frontend.values import (
        BlockVal,
        LayerVal,
        Method,
        ModelVal,
        SelfVal,
        SequenceVal,
    )
    from kcodegen.ir import Arg

PURE_BUILTINS: dict[str, Callable[..., Any]] = {
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
        "isinstance",
        "chr",
        "ord",
    ]
}

# A loop of more passes (or a range longer) is not unrolled: the model is refused with the line.
MAX_UNROLL = 10_000


def unknown_used(value: Unknown, line: int) -> Unsupported:
    """The refusal for using a value kcg could not follow, naming why it is unknown."""
    return Unsupported(f"`{value.text}` is bound {value.reason}", line, cause=value)


def refuse_unknown(values: Sequence[Value], line: int) -> None:
    """An operation on a value kcg could not follow has no known result either."""
    for value in values:
        if isinstance(value, Unknown):
            raise unknown_used(value, line)


def reads_shape(expression: cst.BaseExpression) -> bool:
    """The expression reads a ``.shape`` (``x.shape[-1] * 2``)."""
    return any(a.attr.value == "shape" for a in find_any_order(expression, cst.Attribute))


class InterpreterState:
    """The run's state, and what the source says about a node: its position, text and names."""

    def __init__(
        self,
        module: cst.Module,
        source: str,
        input_shapes: dict[str, tuple[int | None, ...]],
        binds: dict[str, str] | None = None,
        follow: frozenset[str] = frozenset(),
        assume: Mapping[str, object] | None = None,
        layer_classes: frozenset[str] = frozenset(),
    ) -> None:
        self.module = module
        self.layer_classes = layer_classes  # classes of other modules known to be layers
        self.assume = dict(assume or {})  # Keras settings the user gave (see keras_config)
        self.assumed: dict[str, Assumption] = {}  # the settings the code read, first read kept
        self.binds = binds or {}
        self.follow = follow  # Layer classes whose __init__ and call() are followed
        self.loop_frames: dict[str, Frame] = {}  # loop id -> the frame that runs it
        self.helper_bodies: dict[str, cst.FunctionDef] = {}  # helper call id -> its function
        self.conditions: dict[str, list[Condition]] = {}  # helper call id -> its ifs, so far
        self.arms: dict[str, list[tuple[int, str, bool]]] = {}  # helper call id -> its chains'
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
        # By ``id``, each entry holding its node: substituted copies are short-lived, and an id is
        # not reused while its node lives (hashing a libcst node runs Python code).
        self._code: dict[int, tuple[cst.CSTNode, str]] = {}
        self._names: dict[cst.CSTNode, frozenset[str]] = {}
        self.layer_configs: dict[str, shapes.Config] = {}  # by layer id, for ``self.shapes``
        self.shapes = shapes.Inference(self.builder, self.layer_configs)
        self.shape_problem: str | None = None  # why the last shape asked for is not known

    def span(self, node: cst.CSTNode) -> Span:
        code_range = self.positions[node]
        start, end = code_range.start, code_range.end
        return Span(start.line, start.column, end.line, end.column)

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        """Source text of a node of the module (cached: unrolled loops ask for the same nodes often)."""
        found = self._code.get(id(node))
        if found is None:
            text = self.positions.text(node)
            found = node, self.module.code_for_node(node) if text is None else text
            self._code[id(node)] = found
        return found[1]

    def render(self, node: cst.BaseExpression, keep: Frame | None = None) -> str:
        """Source text of an expression, with names local to an inlined function replaced.

        Names bound in ``keep`` (and the frames it encloses) stay as written.
        """
        frame = self.stack[-1]
        if (frame.is_module or frame is keep) and not frame.loop_vars:
            return self.code(node)
        names = self.names_in(node) & substitutable(frame, keep)
        if not names or not replaces_any(names, frame, keep):
            return self.code(node)
        try:
            substituted = node.visit(Substitute(self.module_frame, frame, keep))
        except NotWritable as where:
            raise Unsupported(
                f"kcg cannot write the value of {where} where the generated code goes",
                self.line(node),
            ) from None
        assert isinstance(substituted, cst.CSTNode), "names are replaced, never removed"
        if substituted is node:
            return self.code(node)
        return self.module.code_for_node(substituted)  # a copy: the module's positions lack it

    def reads_tensor(self, expression: cst.BaseExpression) -> bool:
        """It reads a tensor or a shape (``x.shape[-1] * 2``): code made where there are no
        tensors (a layer's constructor, a block's ``__init__``) needs its value instead."""
        return reads_shape(expression) or any(
            isinstance(self.lookup(name), TensorVal) for name in self.names_in(expression)
        )

    def names_in(self, node: cst.CSTNode) -> frozenset[str]:
        """The names an expression reads or binds (its ``Name`` nodes)."""
        if node not in self._names:
            from_tokens = self.positions.names(node)
            if from_tokens is not None:
                self._names[node] = from_tokens
                return from_tokens
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

    def block_frame(self) -> Frame:
        """The outermost running frame of the current block: its names are in scope at the site."""
        return next(f for f in self.stack if f.block == self.frame.block)

    def is_function_block(self, block: str) -> bool:
        return isinstance(self.module_frame.vars.get(block), FunctionVal)

    def take_comments(self) -> tuple[tuple[str, ...], str | None]:
        """The running statement's comments, for the first step it makes (and only that one)."""
        frame = self.frame
        if frame.commented:
            return (), None
        frame.commented = True
        return frame.comments, frame.trailing

    def comment_layers(self, frame: Frame) -> None:
        """Comments above a statement that only creates a layer (``shared = Dense(8)``) describe it."""
        if frame.comments and not frame.commented and frame.new_layers:
            layer_id = frame.new_layers[0]
            self.builder.layers[layer_id] = replace(
                self.builder.layers[layer_id], comments=frame.comments
            )

    def function_names(self) -> set[str]:
        """Names bound in the running function (and the functions around it): not module-level."""
        names: set[str] = set()
        scope: Frame | None = self.frame
        while scope is not None and not scope.is_module:
            names |= scope.vars.keys()
            scope = scope.parent
        return names

    def in_loop_body(self) -> bool:
        """The code running is a ``for`` loop's own body (not a function it called)."""
        loop_id, is_pass, _ = (self.builder.within or "").partition(":")
        return bool(is_pass) and self.loop_frames.get(loop_id) is self.frame

    def eval_in(self, node: cst.BaseExpression, frame: Frame) -> Value:
        self.stack.append(frame)
        try:
            return self.eval(node)
        finally:
            self.stack.pop()

    if TYPE_CHECKING:  # the methods the parts call in one another (see the module docstring)
        # Python core
        def eval(self, node: cst.BaseExpression) -> Value: ...
        def eval_call(self, node: cst.Call) -> Value: ...
        def binary(
            self, left: Value, right: Value, op_text: str, op_type: type, node: cst.CSTNode
        ) -> Value: ...
        def bind(self, target: cst.BaseExpression, value: Value, node: cst.CSTNode) -> None: ...
        def exec_block(self, body: Sequence[cst.BaseStatement], frame: Frame) -> None: ...
        def exec_nested(
            self, body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement]
        ) -> None: ...
        def call_function(
            self,
            func: FunctionVal,
            args: list[Value],
            kwargs: dict[str, Value],
            explore: bool = False,
        ) -> Value: ...
        def call_builtin(
            self, qualname: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call
        ) -> Value: ...
        def bind_params(
            self,
            params: cst.Parameters,
            args: list[Value],
            kwargs: dict[str, Value],
            frame: Frame,
        ) -> None: ...
        def invoke(self, func: FunctionVal, frame: Frame, nested: bool = False) -> Value: ...
        def eval_text_in_module(self, text: str) -> Value: ...
        def note_arm(self, statement: cst.If, taken: bool) -> None: ...

        # the Keras plugin, as the core calls it
        def call_keras(
            self, func: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call
        ) -> Value | None: ...
        def keras_attribute(
            self, owner: Value, attr: str, text: str, node: cst.Attribute
        ) -> Value | None: ...
        def keras_method(
            self,
            owner: Value,
            name: str,
            args: list[Value],
            kwargs: dict[str, Value],
            node: cst.Call,
        ) -> Value | None: ...
        def class_kind(self, base: Value) -> str | None: ...
        def bind_attribute(self, owner: Value, attr: str, value: Value) -> None: ...
        def instantiate_model(
            self,
            cls: ClassVal,
            args: list[Value],
            kwargs: dict[str, Value],
            node: cst.CSTNode,
            explore: bool = False,
        ) -> Value: ...
        def make_op(
            self, template: tuple[str | int, ...], inputs: list[TensorVal], node: cst.CSTNode
        ) -> Value: ...
        def to_arg(self, value: Value, node: cst.BaseExpression | None) -> Arg: ...

        # the Keras plugin's parts, as they call one another
        def note_binding(self, name: str, value: Value) -> None: ...
        def nested_layer_item(self, layers: Method, node: cst.Subscript) -> Value: ...
        def place_items(self, layers: SequenceVal, start: int) -> None: ...
        def model_method(
            self,
            owner: ModelVal,
            name: str,
            args: list[Value],
            kwargs: dict[str, Value],
            node: cst.Call,
        ) -> Value | None: ...
        def new_record(self, style: str, node: cst.CSTNode) -> ModelRecord: ...
        def record_name(self, record: ModelRecord, node: cst.Call) -> None: ...
        def static_shape(self, tensor: TensorVal, text: str) -> Value: ...
        def class_constant(self, self_val: SelfVal, attr: str) -> Value | None: ...
        def call_layer(
            self, layer: LayerVal, args: list[Value], kwargs: dict[str, Value], node: cst.Call
        ) -> Value: ...
        def make_block(
            self, cls: ClassVal, args: list[Value], kwargs: dict[str, Value], node: cst.Call
        ) -> BlockVal: ...
        def call_block(
            self, block: BlockVal, args: list[Value], kwargs: dict[str, Value]
        ) -> Value: ...
        def call_model(
            self, model: ModelVal, args: list[Value], kwargs: dict[str, Value], node: cst.Call
        ) -> Value: ...
        def make_input(
            self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]
        ) -> Value: ...
        def make_input_layer(
            self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]
        ) -> Value: ...
        def make_sequential(
            self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]
        ) -> Value: ...
        def make_functional(
            self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]
        ) -> Value: ...
        def make_call_op(self, node: cst.Call, tensors: list[TensorVal]) -> Value: ...
