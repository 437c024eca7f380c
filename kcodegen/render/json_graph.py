"""Drawings as JSON, for tools that lay out or inspect the graph themselves.

``{"version": 1, "models": [{"name", "title", "nodes", "edges", "clusters"}]}``; a node carries its
kind (input, output, layer, model, op), label lines, class, author's name, input shape, number of
calls (more than one: a shared layer), whether it merges tensors, source line and the cluster it
is drawn in. The keys are pinned by tests/test_graph.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from kcodegen.render.drawing import Box, Drawing

VERSION = 1


def render(drawings: Iterable[Drawing]) -> str:
    document = {"version": VERSION, "models": [_model(d) for d in drawings]}
    return json.dumps(document, indent=2) + "\n"


def _model(drawing: Drawing) -> dict[str, Any]:
    return {
        "name": drawing.model,
        "title": drawing.title,
        "nodes": [_node(box) for box in drawing.boxes],
        "edges": [asdict(arrow) for arrow in drawing.arrows],
        "clusters": [asdict(cluster) for cluster in drawing.clusters],
    }


def _node(box: Box) -> dict[str, Any]:
    node = asdict(box)
    node["label"] = node.pop("lines")
    node["shared"] = box.shared
    return node
