"""ModelGraph: one Keras model as a dataflow graph of steps (inputs, layer calls, ops) and tensors.

The graph algorithms it needs are small (a topological order, consumer lists) and live here, in
plain Python: importing networkx would cost the static paths more start-up time than libcst does.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from kcodegen.ir.nodes import (
    Arg,
    InputSpec,
    Invocation,
    LayerSpec,
    Loop,
    Mapping_,
    Node,
    Op,
    Seq,
    Site,
    Structure,
    Style,
    Tensor,
    TensorRef,
)


def tensor_refs(arg: Arg) -> Iterator[str]:
    """Tensor ids used by a call argument, in source order."""
    if isinstance(arg, TensorRef):
        yield arg.tensor
    elif isinstance(arg, Seq):
        for item in arg.items:
            yield from tensor_refs(item)
    elif isinstance(arg, Mapping_):
        for _, item in arg.items:
            yield from tensor_refs(item)


@dataclass(frozen=True)
class ModelGraph:
    name: str  # the Python name that holds the model (variable, or the function that returns it)
    keras_name: str | None  # name= passed to the model
    style: Style
    inputs: tuple[InputSpec, ...]
    input_structure: Structure
    output_structure: Structure
    layers: tuple[LayerSpec, ...]
    nodes: tuple[Node, ...]
    ops: tuple[Op, ...]
    tensors: tuple[Tensor, ...]
    site: Site
    span: object = field(compare=False)  # Span of the statement that creates the model
    class_name: str | None = None  # the subclass, for subclassed models
    call_comments: tuple[str, ...] = ()  # comments above the model-creating statement
    name_text: str | None = None  # the model's name= argument as written
    invocations: tuple[Invocation, ...] = ()  # the helper calls that built parts of it
    loops: tuple[Loop, ...] = ()  # the ``for`` loops that built parts of it
    # A nested model that another model of the file builds in place (``LayerSpec.in_place``):
    # its statements are that model's, so it is never converted or refused on its own.
    built_in_place: bool = False

    @property
    def takes_inputs_by_name(self) -> bool:
        """A list of inputs, each named with ``keras.Input(name=...)``: a Functional model then
        also takes them as a dict keyed by those names, and so must what it is converted to."""
        return self.input_structure.kind in ("list", "tuple") and all(
            spec.keras_name is not None for spec in self.inputs
        )

    # --- lookups -----------------------------------------------------------------------------
    @cached_property
    def parents(self) -> dict[str, str | None]:
        """Helper call or loop pass (a ``within`` id) -> the call or pass it ran in."""
        found = {call.id: call.parent for call in self.invocations}
        for call in self.invocations:
            found.update({condition.id: call.id for condition in call.conditions})
        for loop in self.loops:
            found.update({loop.pass_id(k): loop.parent for k in range(loop.passes)})
        return found

    @cached_property
    def site_calls(self) -> set[str]:
        """The call of the function that builds the model, if it is one: its code is the model's
        own, not a helper's. A wrapper may make it (``EfficientNetB0`` calls ``EfficientNet``)."""
        site = self.site.function
        return {
            call.id
            for call in self.invocations
            if call.function == site and not self._called_within(call.parent, site)
        }

    @cached_property
    def helper_calls(self) -> set[str]:
        """The calls of helpers: every recorded call made inside the one that builds the model."""
        wrappers = {
            parent
            for call_id in self.site_calls
            for parent in self._ancestors(self.parents.get(call_id))
        }
        return {call.id for call in self.invocations} - self.site_calls - wrappers

    def _ancestors(self, within: str | None) -> list[str]:
        found = []
        while within is not None:
            found.append(within)
            within = self.parents.get(within)
        return found

    def _called_within(self, within: str | None, function: str) -> bool:
        return any(self._function_of.get(a) == function for a in self._ancestors(within))

    @cached_property
    def _function_of(self) -> dict[str, str]:
        return {call.id: call.function for call in self.invocations}

    def own_comments(self, step: Node | Op) -> tuple[tuple[str, ...], str | None]:
        """A step's comments where this graph's code is written: none for a call a helper's code
        made, whose comments describe the helper (they stay with the block class it becomes)."""
        if isinstance(step, Node):
            within = step.within
            while within is not None:
                if within in self.helper_calls:
                    return (), None
                within = self.parents.get(within)
        return step.comments, step.trailing_comment

    def made_inside(self, within: str | None, outer: str) -> bool:
        """Whether something made ``within`` a call or pass was made by ``outer``, or inside it."""
        while within is not None:
            if within == outer:
                return True
            within = self.parents.get(within)
        return False

    @cached_property
    def layer_by_id(self) -> dict[str, LayerSpec]:
        return {layer.id: layer for layer in self.layers}

    @cached_property
    def tensor_by_id(self) -> dict[str, Tensor]:
        return {tensor.id: tensor for tensor in self.tensors}

    @cached_property
    def step_by_id(self) -> dict[str, Node | Op | InputSpec]:
        steps: dict[str, Node | Op | InputSpec] = {spec.id: spec for spec in self.inputs}
        steps.update({node.id: node for node in self.nodes})
        steps.update({op.id: op for op in self.ops})
        return steps

    def step_inputs(self, step: Node | Op | InputSpec) -> list[str]:
        """Tensor ids a step consumes, in argument order (call keywords included)."""
        if isinstance(step, InputSpec):
            return []
        if isinstance(step, Op):
            return list(step.inputs)
        used = [t for arg in step.args for t in tensor_refs(arg)]
        used += [t for _, arg in step.kwargs for t in tensor_refs(arg)]
        return used

    def nodes_of(self, layer_id: str) -> list[Node]:
        """The calls of a layer, in order."""
        return self._nodes_by_layer.get(layer_id, [])

    @cached_property
    def _nodes_by_layer(self) -> dict[str, list[Node]]:
        calls: dict[str, list[Node]] = {}
        for node in self.nodes:
            calls.setdefault(node.layer, []).append(node)
        return calls

    # --- graph views ----------------------------------------------------------------------------
    @cached_property
    def order(self) -> list[str]:
        """Steps in topological order, ties broken by source order: the order code is emitted in."""
        position = {step_id: i for i, step_id in enumerate(self.step_by_id)}
        waiting = {step_id: 0 for step_id in self.step_by_id}
        users: dict[str, list[str]] = {step_id: [] for step_id in self.step_by_id}
        for step in self.step_by_id.values():
            for tensor_id in self.step_inputs(step):
                users[self.tensor_by_id[tensor_id].producer].append(step.id)
                waiting[step.id] += 1
        ready = [(position[s], s) for s, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        ordered: list[str] = []
        while ready:
            _, step_id = heapq.heappop(ready)
            ordered.append(step_id)
            for user in users[step_id]:
                waiting[user] -= 1
                if waiting[user] == 0:
                    heapq.heappush(ready, (position[user], user))
        return ordered

    @cached_property
    def consumers(self) -> dict[str, list[str]]:
        """Tensor id -> ids of the steps that use it (once per use)."""
        uses: dict[str, list[str]] = {tensor.id: [] for tensor in self.tensors}
        for step in self.step_by_id.values():
            for tensor_id in self.step_inputs(step):
                uses[tensor_id].append(step.id)
        return uses
