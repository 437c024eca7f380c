"""The layer calls between a model's input and one of its layers, when nothing else is between.

A subclass is first called on ``keras.Input``, so a layer that makes tensors in its ``build()``
(``Normalization``: its mean and variance) would keep tensors of that symbolic trace. The model's
own ``build(input_shape)`` runs before the trace; it can build such a layer there, given the shape
that reaches it, when only layers that say their output shape (``compute_output_shape``) are
between the input and it.
"""

from __future__ import annotations

from collections import Counter

from kcodegen.ir import InputSpec, ModelGraph, Node, TensorRef


def chain_from_input(graph: ModelGraph, node: Node) -> tuple[Node, ...] | None:
    """The calls from the model's only input up to ``node`` (not included), in order; None when
    anything else is on the way: an operation, a merge, a shared or nested layer, a helper's code
    or a loop's, several inputs."""
    if graph.input_structure.kind != "single":
        return None
    passes = {loop.pass_id(k) for loop in graph.loops for k in range(loop.passes)}
    passes |= _block_calls(graph)
    chain: list[Node] = []
    step: Node = node
    while True:
        if not _plain_call(graph, step, passes):
            return None
        producer = graph.step_by_id[graph.tensor_by_id[step.args[0].tensor].producer]  # type: ignore[union-attr]
        if isinstance(producer, InputSpec):
            return tuple(reversed(chain))
        if not isinstance(producer, Node):
            return None
        chain.append(producer)
        step = producer


def _plain_call(graph: ModelGraph, node: Node, passes: set[str]) -> bool:
    """A built-in layer called once, on one tensor, by the model's own code (not a helper's or a
    loop's, whose layers the subclass keeps in a block class or a list). ``passes``: the loop
    passes and the helper calls that may become a block class."""
    layer = graph.layer_by_id[node.layer]
    return (
        len(node.args) == 1
        and isinstance(node.args[0], TensorRef)
        and not node.kwargs
        and layer.cls.startswith("keras.layers.")
        and not layer.is_model
        and len(graph.nodes_of(layer.id)) == 1
        and not _in_helper_or_loop(graph, node.within, passes)
    )


def _block_calls(graph: ModelGraph) -> set[str]:
    """The calls of helpers called more than once, which ``outline`` may fold into a block class:
    a helper called once is written in the model's own code (ConvNeXt's ``PreStem``)."""
    counts = Counter(call.function for call in graph.invocations)
    return {
        call.id
        for call in graph.invocations
        if call.id in graph.helper_calls and counts[call.function] > 1
    }


def _in_helper_or_loop(graph: ModelGraph, within: str | None, passes: set[str]) -> bool:
    while within is not None:
        if within in passes:
            return True
        within = graph.parents.get(within)
    return False
