"""A Drawing as a Mermaid flowchart, which GitHub and GitLab render inside ```mermaid blocks.

Shapes say what a box is: inputs lean right ``[/ /]``, outputs lean left ``[\\ \\]``, layers are
rectangles, merges hexagons, operations on tensors stadiums, whole models subroutine boxes; shared
layers get a thick border. Labels are always quoted, and every character Mermaid could read as
syntax or HTML is written as an entity code (``#quot;``, ``#lt;``), so no layer name can break the
diagram.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kcodegen.render.drawing import Box, Drawing

SHAPES = {
    "input": ('[/"', '"/]'),
    "output": ('[\\"', '"\\]'),
    "layer": ('["', '"]'),
    "merge": ('{{"', '"}}'),
    "op": ('(["', '"])'),
    "model": ('[["', '"]]'),
}
CLASS_STYLES = {
    "input": "fill:#dbeafe,stroke:#1d4ed8",
    "output": "fill:#dcfce7,stroke:#15803d",
    "op": "fill:#f3f4f6,stroke:#6b7280,font-size:12px",
    "model": "fill:#fef3c7,stroke:#b45309",
    "shared": "stroke:#7c3aed,stroke-width:3px",
}
ENTITIES = {
    "#": "#35;",  # first: the other codes start with "#"
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",  # a leading backtick would start a Markdown string
    "|": "#124;",  # ends an arrow label
}


def escape(text: str) -> str:
    for char, code in ENTITIES.items():
        text = text.replace(char, code)
    return text


def label(lines: Iterable[str]) -> str:
    return "<br/>".join(escape(line) for line in lines)


def render(drawings: Iterable[Drawing], rankdir: str = "TB") -> str:
    """One diagram per model, each with its title, separated by a blank line."""
    return "\n".join(_diagram(drawing, rankdir) for drawing in drawings)


def _diagram(drawing: Drawing, rankdir: str) -> str:
    # The front matter is YAML, whose double-quoted strings are JSON's.
    lines = ["---", f"title: {json.dumps(drawing.title)}", "---", f"flowchart {rankdir}"]
    lines += _block(drawing, None, "    ")
    for arrow in drawing.arrows:
        text = f'|"{escape(arrow.label)}"|' if arrow.label else ""
        lines.append(f"    {arrow.source} -->{text} {arrow.target}")
    classes = _classes(drawing.boxes)
    lines += [f"    classDef {name} {CLASS_STYLES[name]}" for name in classes]
    lines += [f"    class {','.join(ids)} {name}" for name, ids in classes.items()]
    return "\n".join(lines) + "\n"


def _block(drawing: Drawing, cluster: str | None, indent: str) -> list[str]:
    """The boxes of one cluster (None: the top level), nested clusters as subgraphs."""
    lines = [_node(box, indent) for box in drawing.boxes if box.cluster == cluster]
    for inner in drawing.clusters:
        if inner.parent == cluster:
            lines.append(f'{indent}subgraph {inner.id} ["{escape(inner.title)}"]')
            lines += _block(drawing, inner.id, indent + "    ")
            lines.append(f"{indent}end")
    return lines


def _node(box: Box, indent: str) -> str:
    opening, closing = SHAPES["merge" if box.merge and box.kind == "layer" else box.kind]
    return f"{indent}{box.id}{opening}{label(box.lines)}{closing}"


def _classes(boxes: Iterable[Box]) -> dict[str, list[str]]:
    """Style class -> box ids, for the classes used, in a fixed order."""
    members: dict[str, list[str]] = {name: [] for name in CLASS_STYLES}
    for box in boxes:
        if box.kind in members:
            members[box.kind].append(box.id)
        if box.shared:
            members["shared"].append(box.id)
    return {name: ids for name, ids in members.items() if ids}
