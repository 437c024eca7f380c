"""Keras models: ``Input``, Functional and Sequential models, models used as layers, backbones.

A model becomes a ``ModelRecord``: where it is built, its inputs and outputs, or its Sequential
entries. What a model is called on tells its input shapes (``model.build(...)``, ``model(x)``).
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from kcodegen.frontend import keras_api as api
from kcodegen.frontend import syntax
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.interpreter.state import (
    InterpreterState,
    unknown_used,
)
from kcodegen.frontend.records import ModelRecord, SequentialEntry
from kcodegen.frontend.values import (
    Array,
    Const,
    DictVal,
    FunctionVal,
    InputLayerVal,
    LayerVal,
    Method,
    ModelVal,
    Opaque,
    SelfVal,
    SequenceVal,
    Symbol,
    TensorVal,
    Unknown,
    Value,
    const_shape,
    const_value,
    has_tensor,
    iterate,
)
from kcodegen.ir import (
    LayerSpec,
    TensorRef,
    module_arguments,
)

UNTRACKED_METHODS = frozenset(
    {"compile", "fit", "evaluate", "predict", "summary", "save", "save_weights"}
)

TAPPED_MODEL = (
    "`{text}` reaches into a model of this file; calling the model on a tensor "
    "(`model(x)`) is supported, its inner tensors are not yet"
)


def observed_shapes(value: Value) -> dict[object, tuple[int | None, ...]] | None:
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
            key: item.shape if isinstance(item, Array) else const_shape(item)
            for key, _, item in value.items
        }
        return shapes if all(shape is not None for shape in shapes.values()) else None  # type: ignore[return-value]
    shape = const_shape(value)
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
    shapes = {key: shape_of(item) for key, item in items}
    return shapes if shapes and all(v is not None for v in shapes.values()) else None  # type: ignore[return-value]


def shape_of(raw: object) -> tuple[int | None, ...] | None:
    if isinstance(raw, (list, tuple)) and all(d is None or isinstance(d, int) for d in raw):
        return tuple(raw)
    return None


class KerasModels(InterpreterState):
    """Inputs, models and the methods of models."""

    def keras_attribute(
        self, owner: Value, attr: str, text: str, node: cst.Attribute
    ) -> Value | None:
        """``self.dense``, ``x.shape``, ``base.output``, ``model.layers``; None for anything else."""
        if isinstance(owner, SelfVal):
            if attr in owner.attrs:
                return owner.attrs[attr]
            return self.class_constant(owner, attr) or Method(owner, attr, text)
        if isinstance(owner, TensorVal) and attr == "shape":
            return self.static_shape(owner, text)
        if isinstance(owner, LayerVal) and attr in ("input", "output"):
            return self.backbone_tensor(owner, attr, node)
        if isinstance(owner, LayerVal) and attr == "layers":
            return Method(owner, "layers", text)
        if isinstance(owner, Method) and owner.name == "layers_item" and attr == "output":
            if isinstance(owner.owner, LayerVal):
                return self.backbone_tensor(owner.owner, "output", node)
            raise Unsupported(TAPPED_MODEL.format(text=text), self.line(node))
        if isinstance(owner, ModelVal) and attr in ("input", "inputs", "output", "outputs"):
            raise Unsupported(TAPPED_MODEL.format(text=text), self.line(node))
        return None

    def nested_layer_item(self, layers: Method, node: cst.Subscript) -> Value:
        """``base.layers[-1]``: the last layer of a nested model, whose output can be tapped."""
        index = self.eval(node.slice[0].slice.value) if syntax.simple_index(node) else None  # type: ignore[attr-defined]
        if isinstance(index, Const) and index.value == -1:
            return Method(layers.owner, "layers_item", self.render(node))
        raise Unsupported(
            f"`{self.code(node)}` taps an inner layer of a nested model; only its last layer is supported",
            self.line(node),
        )

    def model_method(
        self,
        owner: ModelVal,
        name: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: cst.Call,
    ) -> Value | None:
        """``model.add(layer)``, ``model.build(shape)``, and methods that leave the graph alone."""
        record: ModelRecord = owner.record
        if name == "add" and record.style == "sequential" and args:
            self.add_to_sequential(record, args[0], node)
            return Const(None, "None")
        shape_arg = args[0] if args else kwargs.get("input_shape")
        if name == "build" and shape_arg is not None:
            observed = observed_shapes(shape_arg)
            if observed is not None:
                record.built_shapes.append(observed)
                record.builds.append((self.frame.block, self.frame.statement, node))
            return Const(None, "None")
        if name in UNTRACKED_METHODS:
            return Opaque(self.render(node))
        return None

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
            "shape": const_shape(shape_value) if shape_value is not None else None,
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
        scope = self.frame.block if self.is_function_block(self.frame.block) else ""
        if not scope or shape_node is None:
            return {}
        return {"scope": scope, "local_shape_text": self.render(shape_node, self.block_frame())}

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
            const_shape(shape_value) if shape_value is not None else None,
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
            shape = const_shape(self.eval_text_in_module(shape_text)) if shape_text else None
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
        if self.is_function_block(frame.block):
            record.arguments = dict(self.block_frame().entry)
        self.records.append(record)
        return record

    def make_functional(self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]) -> Value:
        inputs = kwargs.get("inputs", args[0] if args else None)
        outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
        if inputs is None or outputs is None or not (has_tensor(inputs) and has_tensor(outputs)):
            for value in (inputs, outputs):
                if isinstance(value, Unknown):  # a Functional model kcg could not follow
                    record = self.new_record("functional", node)
                    record.unknown = unknown_used(value, value.line)
                    record.failed_building = True
                    raise record.unknown
            return Opaque(self.render(node))
        record = self.new_record("functional", node)
        record.inputs, record.outputs = inputs, outputs
        self.record_name(record, node)
        value = ModelVal(record, self.render(node))
        self.builder.touch(self.origin(), {record.id})
        return value

    def record_name(self, record: ModelRecord, node: cst.Call) -> None:
        name_node = syntax.argument(node, None, "name")
        if name_node is not None:
            value = self.eval(name_node)  # a literal, or a builder's `name` parameter
            record.keras_name = (
                value.value if isinstance(value, Const) and isinstance(value.value, str) else None
            )
            record.name_text = (
                (self._parameter_kept(name_node) or self.render(name_node))
                if record.keras_name
                else None
            )

    def _parameter_kept(self, node: cst.BaseExpression) -> str | None:
        """``name=name`` where ``name`` is a parameter of the function building the model that
        its body never rebinds: the generated code at the site can pass it on as it is."""
        if not isinstance(node, cst.Name) or self.block_frame() is not self.frame:
            return None
        function = self.module_frame.vars.get(self.frame.block)
        if not isinstance(function, FunctionVal):
            return None
        params = function.node.params
        names = {
            p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]
        }
        if node.value not in names or node.value in syntax.assigned_names(function.node.body):
            return None
        return node.value

    def make_sequential(self, node: cst.Call, args: list[Value], kwargs: dict[str, Value]) -> Value:
        record = self.new_record("sequential", node)
        self.record_name(record, node)
        layers = kwargs.get("layers", args[0] if args else None)
        try:
            if layers is not None:
                self._sequential_entries(record, layers, node)
        except Unsupported as problem:  # a Sequential model, though kcg could not follow it
            record.unknown, record.failed_building = problem, True
            raise
        self.builder.touch(self.origin(), {record.id})
        text = self.render(node)
        record.text, record.reads = syntax.dedented_continuation(text), self.names_in(node)
        return ModelVal(record, text)

    def _sequential_entries(self, record: ModelRecord, layers: Value, node: cst.Call) -> None:
        items = iterate(layers)
        if items is None:
            raise Unsupported(
                "the Sequential's layer list is only known at run time", self.line(node)
            )
        notes = syntax.element_comments(syntax.argument(node, 0, "layers"), len(items))
        for item, (comments, trailing) in zip(items, notes, strict=True):
            self.add_to_sequential(record, item, node, in_constructor=True)
            record.entries[-1].comments, record.entries[-1].trailing = comments, trailing

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
                raise unknown_used(value, value.line)
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

    def call_model(
        self, model: ModelVal, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        record = model.record
        observed = observed_shapes(args[0]) if args and not has_tensor(args[0]) else None
        if observed is None and args and self._fresh_inputs(node.args[0].value):
            observed = self._input_shapes(args[0], record)
        if observed is not None:
            record.built_shapes.append(observed)
            record.builds.append((self.frame.block, self.frame.statement, node))
            return Opaque(self.render(node))
        if args and has_tensor(args[0]):
            name = syntax.callee_name(node.func)
            if isinstance(node.func, cst.Name):  # the name the code uses is in scope at the site
                model = ModelVal(model.record, node.func.value)
            return self.call_layer(self.nested_layer(model, name), args, kwargs, node)
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
        self, value: Value, record: ModelRecord
    ) -> dict[object, tuple[int | None, ...]] | None:
        """Shapes (with batch) of the inputs a model is called on, keyed as ``observed_shapes``
        keys them; their dtypes and names go to the record."""
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
                record.built_dtypes[key] = spec.dtype
            if spec.keras_name is not None:
                record.built_names[key] = spec.keras_name
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
                module_arguments((), ()),
                var_name or record.binding,
                record.keras_name,
                record.span,
                submodel=record.id,
            )
            self.builder.add_layer(spec, self.origin())
            self.nested_layers[record.id] = layer_id
        return LayerVal(layer_id, model.text)
