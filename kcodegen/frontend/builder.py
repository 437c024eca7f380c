"""Collects layers, calls, ops and inputs while the interpreter runs, then freezes one model's share.

Every step remembers its *origin*: the stack of (block, statement index) that was executing when it
was created. The splice uses it to find which statements of the model's own block define the model,
even when the layers were created inside a helper function that block called.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kcodegen.ir import Arg, InputSpec, Invocation, LayerSpec, Loop, Node, Op, Span, Tensor

Origin = tuple[tuple[str, int], ...]


@dataclass
class GraphBuilder:
    layers: dict[str, LayerSpec] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    ops: dict[str, Op] = field(default_factory=dict)
    inputs: dict[str, InputSpec] = field(default_factory=dict)
    tensors: dict[str, Tensor] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    # (block, statement) -> ids of layers/tensors/models bound, created or changed by that statement
    touched: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    invocations: dict[str, Invocation] = field(default_factory=dict)
    loops: dict[str, Loop] = field(default_factory=dict)
    # The helper calls and loop passes running (``within`` ids), innermost last
    calling: list[str] = field(default_factory=list)
    # (tensor id, the helper call running when it was bound) -> the first variable it was bound to
    result_names: dict[tuple[str, str | None], str] = field(default_factory=dict)
    _counter: int = 0

    def new_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def touch(self, origin: Origin, ids: set[str]) -> None:
        for frame in origin:
            self.touched.setdefault(frame, set()).update(ids)

    # --- creation ---------------------------------------------------------------------------
    @property
    def within(self) -> str | None:
        return self.calling[-1] if self.calling else None

    def add_layer(self, layer: LayerSpec, origin: Origin) -> None:
        if layer.within != self.within:
            layer = replace(layer, within=self.within)
        self.layers[layer.id] = layer
        self.origins[layer.id] = origin
        self.touch(origin, {layer.id})

    def add_input(self, spec_fields: dict, origin: Origin, name_hint: str | None) -> str:
        spec_id = self.new_id("i")
        tensor_id = self._new_tensor(spec_id, 0, name_hint, origin)
        self.inputs[spec_id] = InputSpec(id=spec_id, tensor=tensor_id, **spec_fields)
        self.origins[spec_id] = origin
        return tensor_id

    def add_node(
        self,
        layer_id: str,
        args: tuple[Arg, ...],
        kwargs: tuple[tuple[str, Arg], ...],
        span: Span,
        origin: Origin,
        comments: tuple[str, ...],
        trailing: str | None,
        within: str | None = None,
    ) -> str:
        """``within`` defaults to the helper call or loop pass running now."""
        node_id = self.new_id("n")
        tensor_id = self._new_tensor(node_id, 0, None, origin)
        self.nodes[node_id] = Node(
            node_id,
            layer_id,
            args,
            kwargs,
            (tensor_id,),
            span,
            comments,
            trailing,
            within=within or self.within,
        )
        self.origins[node_id] = origin
        self.touch(origin, {node_id, layer_id})
        return tensor_id

    def add_op(
        self,
        template: tuple[str | int, ...],
        inputs: tuple[str, ...],
        span: Span,
        origin: Origin,
        text: str = "",
        comments: tuple[str, ...] = (),
        trailing: str | None = None,
    ) -> str:
        op_id = self.new_id("o")
        tensor_id = self._new_tensor(op_id, 0, None, origin)
        self.ops[op_id] = Op(
            op_id, template, inputs, (tensor_id,), span, text, comments, trailing, self.within
        )
        self.origins[op_id] = origin
        self.touch(origin, {op_id})
        return tensor_id

    def _new_tensor(self, producer: str, index: int, hint: str | None, origin: Origin) -> str:
        tensor_id = self.new_id("t")
        self.tensors[tensor_id] = Tensor(tensor_id, producer, index, hint)
        self.touch(origin, {tensor_id})
        return tensor_id

    # --- late facts -------------------------------------------------------------------------
    def name_tensor(self, tensor_id: str, name: str) -> None:
        """The author bound the tensor to a variable: the first name wins (it is where it was made)."""
        tensor = self.tensors[tensor_id]
        if tensor.name_hint is None:
            self.tensors[tensor_id] = replace(tensor, name_hint=name)

    def name_result(self, tensor_id: str, name: str) -> None:
        """A tensor bound to a variable: the first name in each helper call (or outside any) is
        kept, so a helper's result can take the name its caller gave it."""
        self.result_names.setdefault((tensor_id, self.within), name)

    def name_layer(self, layer_id: str, name: str) -> None:
        layer = self.layers[layer_id]
        if layer.var_name is None:
            self.layers[layer_id] = replace(layer, var_name=name)

    def place_layer(self, layer_id: str, path: str) -> None:
        """The layer is an item of a subclass's list attribute (``self.blocks[2]``)."""
        layer = self.layers[layer_id]
        if layer.attr_path is None:
            self.layers[layer_id] = replace(layer, attr_path=path)

    def set_layer_attr(self, layer_id: str, attr: str, text: str, origin: Origin) -> None:
        layer = self.layers[layer_id]
        attrs = (*((k, v) for k, v in layer.attrs if k != attr), (attr, text))
        self.layers[layer_id] = replace(layer, attrs=attrs)
        self.touch(origin, {layer_id})

    def producer(self, tensor_id: str) -> str:
        return self.tensors[tensor_id].producer
