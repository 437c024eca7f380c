"""The graph IR: what a Keras model is, independent of the API it was written in."""

from kcodegen.ir.graph import ModelGraph, tensor_refs
from kcodegen.ir.nodes import (
    STYLES,
    Arg,
    CallArgument,
    InputSpec,
    Invocation,
    LayerSpec,
    Literal_,
    Loop,
    Mapping_,
    Node,
    Op,
    Seq,
    Site,
    Span,
    Structure,
    Style,
    Tensor,
    TensorRef,
)
from kcodegen.ir.printer import format_graph

__all__ = [
    "STYLES",
    "Arg",
    "CallArgument",
    "InputSpec",
    "Invocation",
    "LayerSpec",
    "Literal_",
    "Loop",
    "Mapping_",
    "ModelGraph",
    "Node",
    "Op",
    "Seq",
    "Site",
    "Span",
    "Structure",
    "Style",
    "Tensor",
    "TensorRef",
    "format_graph",
    "tensor_refs",
]
