"""What the worker needs, as JSON, to find each IR layer and call of one model in the built model.

Static (no TensorFlow): the worker receives this with the model's slice and does the finding
(``locate.py``). Per style, the locator the worker uses:

- subclassing: the attribute path — ``LayerSpec.attr_path`` for an item of a list attribute
  (``blocks[2]``), else ``var_name``, the attribute ``call()`` reads;
- sequential: the position in ``model.layers`` (Keras 3 leaves the InputLayer out of it), which is
  the position of the layer's call in the chain;
- functional: the graph itself, walked back from the model's outputs through each KerasTensor's
  ``_keras_history``; every tensor has one producer, so the walk pairs IR steps with Keras
  operations without guessing, whatever order Keras keeps its layers in (``model.layers`` starts
  with the InputLayers and sorts by depth, which ``functional_layer_order`` only replicates). A
  sub-model whose layers Keras inlined (``Model(vgg.input, f(vgg.layers[-1].output))``) has no
  operation of its own: it is found by its variable, where the slice built it.

Labels name each layer the way its author does (attribute, variable, ``name=``, or the variable its
output was bound to) with the lines it is created and called on, for messages.
"""

from __future__ import annotations

import ast
from typing import Any

from kcodegen.ir import InputSpec, ModelGraph, Node, Op


def model_plan(graph: ModelGraph) -> dict[str, Any]:
    calls = [step for step in (graph.step_by_id[s] for s in graph.order) if isinstance(step, Node)]
    chain = list(dict.fromkeys(node.layer for node in calls))
    seen: dict[str, int] = {}
    call_index: dict[str, list[Any]] = {}
    for node in graph.nodes:  # a subclass calls its layers in the order call() is written
        call_index[node.id] = [node.layer, seen.get(node.layer, 0)]
        seen[node.layer] = seen.get(node.layer, 0) + 1
    return {
        "style": graph.style,
        "layers": {
            layer.id: {
                "attr": layer.attr_path or layer.var_name,
                "index": chain.index(layer.id) if layer.id in chain else None,
                "model": layer.submodel is not None or layer.cls.startswith("keras.applications."),
            }
            for layer in graph.layers
        },
        "calls": call_index,
        "steps": {step.id: _step(graph, step) for step in graph.step_by_id.values()},
        "producers": {t.id: t.producer for t in graph.tensors},
        "outputs": {
            "kind": graph.output_structure.kind,
            "tensors": list(graph.output_structure.tensors),
            "keys": [_key(key) for key in graph.output_structure.keys],
        },
        "labels": {layer.id: _label(graph, layer.id) for layer in graph.layers},
        "call_lines": {node.id: node.via or node.span.line for node in graph.nodes},
    }


def _step(graph: ModelGraph, step: Node | Op | InputSpec) -> dict[str, Any]:
    kind = "input" if isinstance(step, InputSpec) else "node" if isinstance(step, Node) else "op"
    return {
        "kind": kind,
        "layer": step.layer if isinstance(step, Node) else None,
        "inputs": graph.step_inputs(step),
        "item": isinstance(step, Op) and _is_item(step.template),
    }


def _is_item(template: tuple[str | int, ...]) -> bool:
    """``x[1]``: one of several outputs when ``x`` is a list (``value, gate = ops.split(u, 2)``)."""
    return (
        len(template) == 2
        and template[0] == 0
        and isinstance(template[1], str)
        and template[1].startswith("[")
        and template[1].endswith("]")
        and template[1][1:-1].strip().lstrip("-").isdigit()
    )


def _label(graph: ModelGraph, layer_id: str) -> dict[str, Any]:
    layer = graph.layer_by_id[layer_id]
    calls = graph.nodes_of(layer_id)
    bound = (
        graph.tensor_by_id[calls[0].outputs[0]].name_hint if calls and calls[0].outputs else None
    )
    return {
        "cls": layer.cls.rsplit(".", 1)[-1],
        "name": layer.var_name or layer.name or bound,
        "line": layer.span.line,
    }


def _key(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
