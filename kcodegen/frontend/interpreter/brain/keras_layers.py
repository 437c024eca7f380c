"""Keras layers: constructing one, calling it on tensors, and merge functions such as ``concatenate``.

Arguments are kept as source text, as written; a layer's constant arguments also go to shape
inference, for code whose structure depends on a tensor's shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from kcodegen.frontend import keras_api as api
from kcodegen.frontend import keras_config, shapes, syntax
from kcodegen.frontend.cst_search import find_any_order
from kcodegen.frontend.custom_shapes import arithmetic_rule
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.interpreter.state import (
    PURE_BUILTINS,
    InterpreterState,
    reads_shape,
    refuse_unknown,
)
from kcodegen.frontend.interpreter.substitute import calls_local_function
from kcodegen.frontend.values import (
    Array,
    BlockVal,
    ClassVal,
    Const,
    FunctionVal,
    LayerVal,
    ModelVal,
    Opaque,
    SelfVal,
    SequenceVal,
    Symbol,
    TensorVal,
    TrainingFlag,
    Value,
    const_shape,
    constant,
    literal_text,
    walk_values,
)
from kcodegen.ir import (
    Arg,
    ArgScope,
    ArgumentText,
    LayerSpec,
    module_arguments,
    tensor_refs,
)

# Calls whose first argument is an array shape: model(tf.zeros((2, 7))) tells the input shape.
_ARRAY_MAKERS = ("zeros", "ones", "normal", "uniform", "rand", "randn", "random", "empty", "full")


# Expressions that are their own value, read nothing and call nothing.
_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)


def _reads_shape(text: str) -> bool:
    """The expression's text reads a ``.shape`` (of a tensor, in code that has one)."""
    expression = syntax.parse_expression(text) if ".shape" in text else None
    return expression is not None and reads_shape(expression)


def _values_by_argument(
    node: cst.Call, args: list[Value], kwargs: dict[str, Value]
) -> dict[int, Value] | None:
    """Each argument's value by ``id``, from the values the call's arguments were evaluated to;
    None where a ``*``/``**`` argument was spread among them."""
    if any(arg.star for arg in node.args):
        return None
    positional = iter(args)
    return {
        id(arg): kwargs[arg.keyword.value] if arg.keyword is not None else next(positional)
        for arg in node.args
    }


class KerasLayers(InterpreterState):
    """Layers and the Keras functions that make or call them."""

    def call_keras(
        self, func: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value | None:
        """A call of a Keras object, or of a class or model of the file; None for anything else."""
        if isinstance(func, Symbol):
            return self.call_symbol(func, args, kwargs, node)
        if isinstance(func, LayerVal | BlockVal | ModelVal):  # ``self.dense(x)``, x unknown
            items = [*args, *kwargs.values()]
            items += [i for v in items if isinstance(v, SequenceVal) for i in v.items]
            refuse_unknown(items, self.line(node))
        if isinstance(func, LayerVal):
            return self.call_layer(func, args, kwargs, node)
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
                cls = func.node.name.value
                if cls not in self.shapes.rules:
                    self.shapes.rules[cls] = arithmetic_rule(self.code(func.node))
                return self.make_layer(cls, self.render(node.func), node)
            return None
        if isinstance(func, BlockVal):
            return self.call_block(func, args, kwargs)
        if isinstance(func, ModelVal):
            return self.call_model(func, args, kwargs, node)
        return None

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
        read = keras_config.setting(qualname)
        if read is not None and not args and not kwargs:
            return self.read_setting(read, node)
        if qualname in api.MERGE_FUNCTIONS:
            return self.call_merge_function(qualname, node)
        if qualname in api.STATIC_SHAPE and len(args) == 1 and isinstance(args[0], TensorVal):
            return self.static_shape(args[0], self.render(node))
        if api.is_layer_class(qualname) or qualname in self.layer_classes:
            return self.make_layer(qualname, self.render(node.func), node)
        arguments = list(walk_values(SequenceVal([*args, *kwargs.values()], "list", "")))
        if api.is_op(qualname):
            refuse_unknown(arguments, self.line(node))
        tensors = [v for v in arguments if isinstance(v, TensorVal)]
        if tensors and api.is_op(qualname):
            return self.make_call_op(node, tensors)
        if qualname.rsplit(".", 1)[-1] in _ARRAY_MAKERS and args:
            shape = const_shape(args[0])
            if shape is not None:
                return Array(shape, self.render(node))
        return Opaque(self.render(node))

    def read_setting(self, name: str, node: cst.Call) -> Value:
        """``backend.image_data_format()``: the value given with --assume, else Keras's default,
        and the assumption recorded so that the report names it."""
        given = name in self.assume
        value = self.assume[name] if given else keras_config.DEFAULTS[name]
        if name not in self.assumed:
            self.assumed[name] = keras_config.Assumption(name, value, self.line(node), given)
        return Const(value, self.render(node))

    def static_shape(self, tensor: TensorVal, text: str) -> Value:
        """``x.shape`` as a constant (batch size None) when the layers before it tell; otherwise
        opaque, with the reason kept for the ``if`` that asked."""
        try:
            shape = self.shapes.shape(tensor.tensor_id)
            return Const(shape, repr(shape))
        except shapes.NotStatic as why:
            self.shape_problem = f"the shape of `{tensor.text}`, and {why}"
            return Opaque(text)

    def layer_config(self, node: cst.Call, values: dict[int, Value] | None = None) -> shapes.Config:
        """A new layer's arguments as values (``argument_values``), for shape rules."""
        values = self.argument_values(node) if values is None else values

        def value(expression: cst.BaseExpression) -> Any:
            found = constant(values[id(expression)]) if id(expression) in values else None
            return shapes.NOT_CONSTANT if found is None else found.value

        args = [value(a.value) for a in node.args if a.keyword is None and not a.star]
        kwargs = {a.keyword.value: value(a.value) for a in node.args if a.keyword is not None}
        return shapes.Config(args, kwargs)

    def argument_values(self, node: cst.Call) -> dict[int, Value]:
        """A new layer's arguments evaluated, once each, by ``id`` of the argument's expression:
        those that call nothing but Python's pure builtins and the module's own functions
        (``int(x.shape[3] * 0.5)``, ``_depth(filters * se_ratio)``, ``correct_pad(x, 3)``).

        A function that adds to the graph is refused: the layer's call builds its layers, and
        this evaluation would build them a second time."""
        values: dict[int, Value] = {}
        for argument in node.args:
            if argument.star or not self._only_pure_calls(argument.value, functions=True):
                continue
            before = (len(self.builder.layers), len(self.builder.nodes), len(self.builder.ops))
            try:
                values[id(argument.value)] = self.eval(argument.value)
            except (LookupError, Unsupported):
                continue
            if (len(self.builder.layers), len(self.builder.nodes), len(self.builder.ops)) != before:
                raise Unsupported(
                    f"`{self.render(argument.value)}`, an argument of a layer, builds layers "
                    "itself",
                    self.line(argument.value),
                )
        return values

    def make_layer(self, cls: str, callee: str, node: cst.Call) -> LayerVal:
        self.shape_problem = None
        values = self.argument_values(node)
        args, kwargs, unknown = self.constructor_args(node, values)
        reads_tensor = None
        if unknown is not None:
            why = self.shape_problem or "it is only known when the model runs"
            written, rendered = self.code(unknown), self.render(unknown)
            shown = f"`{written}`" + (f" (`{rendered}` here)" if rendered != written else "")
            reads_tensor = (shown, why)
        name = next((v for k, v in kwargs if k == "name"), None)
        layer_id = self.builder.new_id("l")
        scope = self.frame.block if self.is_function_block(self.frame.block) else ""
        arguments = [ArgumentText(ArgScope.MODULE, args, kwargs)]
        if scope:
            local = self.block_frame()
            arguments.append(
                self.argument_text(ArgScope.FUNCTION, node, lambda e: self.render(e, local))
            )
        if self.in_loop_body():
            arguments.append(self.argument_text(ArgScope.LOOP, node, self.code))
        spec = LayerSpec(
            layer_id,
            cls,
            callee,
            tuple(arguments),
            None,
            syntax.string_literal(name),
            self.span(node),
            scope=scope,
            reads_tensor=reads_tensor,
            within=self.builder.within,
        )
        self.builder.add_layer(spec, self.origin())
        self.layer_configs[layer_id] = self.layer_config(node, values)
        self.frame.new_layers.append(layer_id)
        return LayerVal(layer_id, self.render(node))

    @staticmethod
    def argument_text(
        scope: ArgScope, node: cst.Call, text: Callable[[cst.BaseExpression], str]
    ) -> ArgumentText:
        """The call's arguments, each as ``text`` writes it for ``scope``."""
        return ArgumentText(
            scope,
            tuple(text(a.value) for a in node.args if a.keyword is None),
            tuple((a.keyword.value, text(a.value)) for a in node.args if a.keyword is not None),
        )

    def constructor_args(
        self, node: cst.Call, values: dict[int, Value]
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], cst.BaseExpression | None]:
        """The arguments as written, but those that read a tensor (``x.shape[-1]``) as their
        values: the generated code creates the layer where there are no tensors. Also the first
        argument that reads a tensor whose value is not known, if one does."""
        unknown: list[cst.BaseExpression] = []

        def text(expression: cst.BaseExpression) -> str:
            if isinstance(expression, _LITERALS):  # reads and calls nothing: stays as written
                return self.render(expression)
            written = literal_text(values[id(expression)]) if id(expression) in values else None
            if self.reads_tensor(expression):
                if written is not None:
                    return written
                unknown.append(expression)
            elif written is not None and calls_local_function(expression, self.frame):
                return written
            rendered = self.render(expression)
            if written is None and not unknown and _reads_shape(rendered):
                unknown.append(expression)  # a helper's parameter, given ``x.shape[3]``
            return rendered

        args = tuple(text(a.value) for a in node.args if a.keyword is None)
        kwargs = tuple((a.keyword.value, text(a.value)) for a in node.args if a.keyword is not None)
        return args, kwargs, unknown[0] if unknown else None

    def _only_pure_calls(self, expression: cst.BaseExpression, functions: bool = False) -> bool:
        """No call in it but of Python's pure builtins (``int(x.shape[3] * 0.5)``), and with
        ``functions`` of the module's own functions (``correct_pad(x, 3)``): evaluating it makes
        nothing (a layer call would add to the graph)."""
        for call in find_any_order(expression, cst.Call, cst.Lambda):  # one walk for both
            if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Name):
                return False
            found = self.lookup(call.func.value)
            pure = call.func.value in PURE_BUILTINS and found is None
            if not (pure or (functions and isinstance(found, FunctionVal))):
                return False
        return True

    def call_layer(
        self, layer: LayerVal, values: list[Value], keywords: dict[str, Value], node: cst.Call
    ) -> Value:
        """``layer(x, mask=m)``: a node of the graph. ``values`` and ``keywords`` are what the
        call's arguments were evaluated to: evaluating them again would build the layers they
        call again, twice more at every level of ``Dense(4)(Dense(4)(...))``."""
        args: list[Arg] = []
        kwargs: list[tuple[str, Arg]] = []
        has_tensor = False
        given = _values_by_argument(node, values, keywords)
        for arg in node.args:
            value = given[id(arg)] if given is not None else self.eval(arg.value)
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
        comments, trailing = self.take_comments()
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
        arguments = module_arguments((), kwargs)
        # in a helper, as the helper writes them (``name=f"{name}add"``), like any layer's
        scope = self.frame.block if self.is_function_block(self.frame.block) else ""
        configuring = node.with_changes(args=[a for a in node.args[1:] if a.keyword is not None])
        if scope:
            local = self.block_frame()
            arguments += (
                self.argument_text(ArgScope.FUNCTION, configuring, lambda e: self.render(e, local)),
            )
        if self.in_loop_body():
            arguments += (self.argument_text(ArgScope.LOOP, configuring, self.code),)
        spec = LayerSpec(
            layer_id,
            api.MERGE_FUNCTIONS[qualname],
            self.render(node.func),
            arguments,
            None,
            name,
            self.span(node),
            merge_function=short,
            scope=scope,
        )
        self.builder.add_layer(spec, self.origin())
        self.layer_configs[layer_id] = shapes.Config(
            [], self.layer_config(node.with_changes(args=node.args[1:])).kwargs
        )  # the first argument is the tensors, evaluated already
        comments, trailing = self.take_comments()
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

    def note_binding(self, name: str, value: Value) -> None:
        """A direct binding names a layer or tensor; binding a structure only ties its statement to the model."""
        if isinstance(value, LayerVal):
            self.builder.name_layer(value.layer_id, name)
        elif isinstance(value, TensorVal):
            self.builder.name_tensor(value.tensor_id, name)
            self.builder.name_result(value.tensor_id, name)
        ids: set[str] = set()
        for item in walk_values(value):
            if isinstance(item, LayerVal):
                ids.add(item.layer_id)
            elif isinstance(item, TensorVal):
                ids.add(item.tensor_id)
            elif isinstance(item, ModelVal):
                ids.add(item.record.id)
        if ids:
            self.builder.touch(self.origin(), ids)
