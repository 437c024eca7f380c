"""Subclassed Keras models and layers: ``__init__`` and ``call()`` run on abstract inputs.

A ``keras.Model`` subclass becomes a model record; a ``Layer`` subclass the conversion wrote
(``follow``) becomes a block whose layers are found by their attribute path.
"""

from __future__ import annotations

import libcst as cst

from kcodegen.frontend import keras_api as api
from kcodegen.frontend import syntax
from kcodegen.frontend.cst_search import is_name
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.interpreter.frame import Frame
from kcodegen.frontend.interpreter.state import (
    InterpreterState,
)
from kcodegen.frontend.records import ModelRecord
from kcodegen.frontend.values import (
    BlockVal,
    ClassVal,
    Const,
    DictVal,
    FunctionVal,
    LayerVal,
    Method,
    ModelVal,
    SelfVal,
    SequenceVal,
    Symbol,
    TensorVal,
    TrainingFlag,
    Unknown,
    Value,
    has_tensor,
)
from kcodegen.ir import (
    Span,
)


class KerasSubclasses(InterpreterState):
    """Classes of the file that subclass a Keras model or layer."""

    def class_kind(self, base: Value) -> str | None:
        """What a class with this base is: a ``model``, a ``layer``, or None (not Keras's)."""
        if isinstance(base, Symbol) and base.qualname in (api.MODEL, api.SEQUENTIAL):
            return "model"
        if isinstance(base, Symbol) and (
            base.qualname == api.LAYER_BASE or api.is_layer_class(base.qualname)
        ):
            return "layer"  # a layer of its own, or a built-in one extended (``layers.Conv2D``)
        if isinstance(base, ClassVal) and base.kind != "other":
            return base.kind
        return None

    def keras_method(
        self, owner: Value, name: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value | None:
        """A method of a model, or of a subclass's ``self``; None for anything else."""
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
            return self.model_method(owner, name, args, kwargs, node)
        if isinstance(owner, SelfVal):
            cls = self.class_of(owner)
            helper = syntax.method(cls.node, name) if cls is not None else None
            if cls is not None and helper is not None and name not in ("__init__", "call"):
                func = FunctionVal(
                    helper, self.module_frame, f"{cls.node.name.value}.{name}", cls.home
                )
                static = any(is_name(d.decorator, "staticmethod") for d in helper.decorators)
                return self.run_method(func, cls, name, args if static else [owner, *args], kwargs)
        return None

    def bind_attribute(self, owner: Value, attr: str, value: Value) -> None:
        """``self.dense = Dense(8)`` in a subclass; ``layer.trainable = False`` on a layer."""
        if isinstance(owner, SelfVal):
            owner.attrs[attr] = value
            self.note_binding(attr, value)
            if isinstance(value, BlockVal) and id(owner) in self.record_of_self:
                self.place_block(value, attr)
            if isinstance(value, SequenceVal):
                value.text = f"self.{attr}"
                self.place_items(value, 0)
        elif isinstance(owner, LayerVal):
            self.builder.set_layer_attr(owner.layer_id, attr, value.text, self.origin())

    def place_items(self, layers: SequenceVal, start: int) -> None:
        """Layers in a subclass's list attribute are found as ``blocks[i]`` in the built model,
        and those in a tuple of it as ``blocks[i][j]``."""
        if layers.text.startswith("self."):
            self.place_in(layers, layers.text[5:], start)

    def place_in(self, items: SequenceVal, path: str, start: int = 0) -> None:
        for index, item in enumerate(items.items[start:], start):
            if isinstance(item, LayerVal):
                self.builder.place_layer(item.layer_id, f"{path}[{index}]")
            elif isinstance(item, SequenceVal):
                self.place_in(item, f"{path}[{index}]")
            elif isinstance(item, BlockVal):
                self.place_block(item, f"{path}[{index}]")

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
            record.failed_building = True
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
            self.record_name(record, node)
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
        if isinstance(record.outputs, Unknown):  # bound under an ``if`` on something unknown
            unknown = record.outputs
            raise Unsupported(
                f"{cls.node.name.value}.call() returns `{unknown.text}`, {unknown.reason}",
                unknown.line,
            )
        if not has_tensor(record.outputs):
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
        self.bind_params(func.node.params, args, kwargs, frame)
        return self.invoke(func, frame)

    def class_of(self, self_val: SelfVal) -> ClassVal | None:
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
                self.place_block(block, block.path)
        func = FunctionVal(call, self.module_frame, f"{cls.node.name.value}.call", cls.home)
        return self.run_method(func, cls, "call", [block.self_val, *args], kwargs)

    def place_block(self, block: BlockVal, path: str) -> None:
        """The layers of a followed block kept by a model as ``self.<path>``: ``path.conv``."""
        block.path = path  # layers its build() makes later are placed then
        for attr, value in block.self_val.attrs.items():
            if isinstance(value, LayerVal):
                self.builder.place_layer(value.layer_id, f"{path}.{attr}")
            elif isinstance(value, BlockVal):
                self.place_block(value, f"{path}.{attr}")

    def class_constant(self, self_val: SelfVal, attr: str) -> Value | None:
        """``self.SIZES`` where the class body says ``SIZES = (8, 4)``."""
        cls = self.class_of(self_val)
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
