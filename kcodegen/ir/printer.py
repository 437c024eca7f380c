"""A stable, line-oriented text form of a ModelGraph, for tests and ``--debug``.

Example::

    model Functional 'model' (line 30)
      input inputs: shape=(28, 28)
      %t1 = dense Dense(300, activation="relu")(inputs)            # line 31
      output %t1
"""

from __future__ import annotations

from kcodegen.ir.graph import ModelGraph
from kcodegen.ir.nodes import Arg, InputSpec, Literal_, Mapping_, Node, Op, Seq, TensorRef


def format_graph(graph: ModelGraph) -> str:
    names = _tensor_names(graph)
    title = f"model {graph.style} {graph.name!r}"
    if graph.keras_name:
        title += f" name={graph.keras_name!r}"
    lines = [title]
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if isinstance(step, InputSpec):
            shape = "?" if step.shape is None else _shape(step.shape)
            dtype = f" dtype={step.dtype}" if step.dtype else ""
            lines.append(f"  input {names[step.tensor]}: shape={shape}{dtype}")
        elif isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
            ctor = ", ".join([*layer.args, *(f"{k}={v}" for k, v in layer.kwargs)])
            call = ", ".join(
                [_arg(a, names) for a in step.args]
                + [f"{k}={_arg(a, names)}" for k, a in step.kwargs]
            )
            outs = ", ".join(names[t] for t in step.outputs)
            if layer.is_model:
                where = f"model {layer.submodel}" if layer.submodel else "model"
                lines.append(f"  {outs} = {layer.callee}({call})  # {where}, line {step.span.line}")
                continue
            short = layer.cls.rsplit(".", 1)[-1]
            label = f"{layer.var_name}:" if layer.var_name else ""
            lines.append(f"  {outs} = {label}{short}({ctor})({call})  # line {step.span.line}")
        elif isinstance(step, Op):
            outs = ", ".join(names[t] for t in step.outputs)
            rendered = step.render([names[t] for t in step.inputs])
            lines.append(f"  {outs} = op {rendered}  # line {step.span.line}")
    structure = graph.output_structure
    output_names = [names[t] for t in structure.tensors]
    if structure.kind == "dict":
        output_names = [f"{k}: {v}" for k, v in zip(structure.keys, output_names, strict=False)]
    lines.append(f"  output {structure.kind} {', '.join(output_names)}")
    return "\n".join(lines) + "\n"


def _tensor_names(graph: ModelGraph) -> dict[str, str]:
    """``%x``, ``%x.1``, ... in emission order: independent of internal ids, so tests can compare text."""
    names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for step_id in graph.order:
        for tensor in graph.tensors:
            if tensor.producer == step_id:
                base = tensor.name_hint or "t"
                count = seen.get(base, 0)
                seen[base] = count + 1
                names[tensor.id] = f"%{base}" if count == 0 else f"%{base}.{count}"
    return names


def _shape(shape: tuple[int | None, ...]) -> str:
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _arg(arg: Arg, names: dict[str, str]) -> str:
    if isinstance(arg, TensorRef):
        return names[arg.tensor]
    if isinstance(arg, Literal_):
        return arg.text
    if isinstance(arg, Seq):
        inner = ", ".join(_arg(a, names) for a in arg.items)
        return f"[{inner}]" if arg.kind == "list" else f"({inner})"
    assert isinstance(arg, Mapping_)
    return "{" + ", ".join(f"{k}: {_arg(a, names)}" for k, a in arg.items) + "}"
