"""Drawings as Graphviz DOT: one digraph; with several models, one cluster per model.

The shapes follow the Mermaid output (inputs and outputs parallelograms in their own colours,
merges hexagons, operations small ellipses, whole models 3-D boxes, shared layers a thick purple
border). Every string is double-quoted with ``"`` and ``\\`` escaped, so Graphviz reads a label's
characters as text, never as its own ``\\n``/``\\l`` escapes.
"""

from __future__ import annotations

from collections.abc import Sequence

from kcodegen.render.drawing import Arrow, Box, Drawing

FONT = "Helvetica"
NODE_STYLES = {
    "input": 'shape=parallelogram, fillcolor="#dbeafe", color="#1d4ed8"',
    "output": 'shape=parallelogram, fillcolor="#dcfce7", color="#15803d"',
    "layer": "",
    "merge": "shape=hexagon",
    "op": 'shape=ellipse, fillcolor="#f3f4f6", color="#6b7280", fontsize=9',
    "model": 'shape=box3d, fillcolor="#fef3c7", color="#b45309"',
}
SHARED_STYLE = 'penwidth=3, color="#7c3aed"'


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render(drawings: Sequence[Drawing], rankdir: str = "TB", name: str = "model") -> str:
    """One ``digraph``; a single model fills it, several get a cluster each."""
    lines = [f"digraph {quote(name if len(drawings) > 1 else drawings[0].model)} {{"]
    lines.append(f"    graph [rankdir={rankdir}, fontname={quote(FONT)}, labelloc=t];")
    lines.append(
        f'    node [shape=box, style="rounded,filled", fillcolor="#ffffff", '
        f"fontname={quote(FONT)}, fontsize=11];"
    )
    lines.append(f"    edge [fontname={quote(FONT)}, fontsize=9];")
    if len(drawings) == 1:
        lines.append(f"    label={quote(drawings[0].title)};")
        lines += _body(drawings[0], "", "    ")
    else:
        for number, drawing in enumerate(drawings):
            prefix = f"m{number}_"
            lines.append(f"    subgraph {quote('cluster_' + prefix + 'model')} {{")
            lines.append(f"        label={quote(drawing.title)};")
            lines += _body(drawing, prefix, "        ")
            lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _body(drawing: Drawing, prefix: str, indent: str) -> list[str]:
    return _block(drawing, None, prefix, indent) + [
        _edge(arrow, prefix, indent) for arrow in drawing.arrows
    ]


def _block(drawing: Drawing, cluster: str | None, prefix: str, indent: str) -> list[str]:
    lines = [_node(box, prefix, indent) for box in drawing.boxes if box.cluster == cluster]
    for inner in drawing.clusters:
        if inner.parent == cluster:
            lines.append(f"{indent}subgraph {quote('cluster_' + prefix + inner.id)} {{")
            lines.append(f'{indent}    label={quote(inner.title)}; style="rounded,dashed";')
            lines += _block(drawing, inner.id, prefix, indent + "    ")
            lines.append(f"{indent}}}")
    return lines


def _node(box: Box, prefix: str, indent: str) -> str:
    text = "\n".join(box.lines)
    attributes = [f"label={quote(text)}"]
    style = NODE_STYLES["merge" if box.merge and box.kind == "layer" else box.kind]
    attributes += [style] if style else []
    attributes += [SHARED_STYLE] if box.shared else []
    return f"{indent}{prefix}{box.id} [{', '.join(attributes)}];"


def _edge(arrow: Arrow, prefix: str, indent: str) -> str:
    label = f" [label={quote(arrow.label)}]" if arrow.label else ""
    return f"{indent}{prefix}{arrow.source} -> {prefix}{arrow.target}{label};"
