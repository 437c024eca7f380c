"""The ``kcg analyze`` report for humans: one block per model, headed by ``path:line`` so editors
can jump there, with aligned rows; then the constructs that stopped a model from being understood.

    samples/two_input_concat/model.py:22: model (functional)
      inputs         input1  (784,)  name 'input_1'  line 5
      ...
      styles         sequential   no
                       line 15: concat (concatenate) merges 2 tensors; Sequential is a single chain
                     functional   yes, as written
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kcodegen.analysis.report import Analysis, InputInfo, ModelReport, OutputInfo
from kcodegen.render.drawing import shape_text

LABEL_WIDTH = 15  # the row labels' column
NONE = "none"


def render(path: str, analysis: Analysis) -> str:
    blocks = [_model(path, model) for model in analysis.models]
    if analysis.problems:
        blocks.append(
            "".join(
                f"{path}:{problem.line}: not understood: {problem.message}\n"
                for problem in analysis.problems
            )
        )
    if analysis.assumptions:
        blocks.append(
            "".join(f"{path}:{note.line}: note: {note.message}\n" for note in analysis.assumptions)
        )
    return "\n".join(blocks)


def _model(path: str, model: ModelReport) -> str:
    details: list[str] = [model.style]
    if model.class_name:
        at = f" at line {model.class_line}" if model.class_line else ""
        details.append(f"class {model.class_name}{at}")
    if model.keras_name:
        details.append(f"name={model.keras_name!r}")
    lines = [f"{path}:{model.line}: {model.name} ({', '.join(details)})"]
    for label, values in _rows(model):
        for number, value in enumerate(values or [NONE]):
            lines.append(f"  {label if number == 0 else '':<{LABEL_WIDTH}}{value}".rstrip())
    return "\n".join(lines) + "\n"


def _rows(model: ModelReport) -> list[tuple[str, list[str]]]:
    """(row label, its values) in the order the report shows them; no values reads ``none``."""
    rows: list[tuple[str, list[str]]] = [
        ("inputs", _table([_input_cells(i, model.style) for i in model.inputs])),
        (
            "outputs",
            _table([_output_cells(o, i, model.output_kind) for i, o in enumerate(model.outputs)]),
        ),
        ("layers", [f"{model.layers} ({_count(model.calls, 'call')})"]),
        (
            "shared layers",
            _counted(
                [
                    f"{_titled(s.layer, s.layer_class)}: {s.calls} calls, lines {_lines(s.lines)}"
                    for s in model.shared_layers
                ]
            ),
        ),
        (
            "branch points",
            _counted(
                [
                    f"`{b.tensor}`{_at(b.line)} feeds {b.users} steps, {_where(b.user_lines)}"
                    for b in model.branch_points
                ]
            ),
        ),
        (
            "merges",
            _counted(
                [
                    f"{_titled(m.layer, m.layer_class)} merges {m.tensors} tensors, line {m.line}"
                    for m in model.merges
                ]
            ),
        ),
        (
            "nested models",
            _counted(
                [
                    f"{_titled(n.layer, n.layer_class)}, line {n.line}"
                    + (f": model {n.submodel}" if n.submodel and n.submodel != n.layer else "")
                    for n in model.nested_models
                ]
            ),
        ),
        ("ops", _counted([f"`{o.text}`, line {o.line}" for o in model.ops])),
        ("styles", _styles(model)),
    ]
    if model.rewrite_problem:
        rows.append(("convert", [f"cannot rewrite it in place: {model.rewrite_problem}"]))
    return rows


def _counted(values: list[str]) -> list[str]:
    """Each value once, in order, with how often it occurs: an unrolled loop repeats its lines."""
    counts = Counter(values)
    return [value if counts[value] == 1 else f"{value} ({counts[value]} times)" for value in counts]


def _input_cells(spec: InputInfo, style: str) -> list[str]:
    return [
        spec.name,
        f"key {spec.key!r}" if spec.key is not None else "",
        "shape unknown" if spec.shape is None else shape_text(spec.shape),
        spec.dtype or "",
        f"name {spec.keras_name!r}"
        if spec.keras_name and spec.keras_name not in (spec.name, spec.key)
        else "",
        f"call() argument, line {spec.line}" if style == "subclassing" else f"line {spec.line}",
    ]


def _output_cells(output: OutputInfo, index: int, kind: str) -> list[str]:
    position = str(index) if kind in ("list", "tuple") else ""
    return [
        f"key {output.key!r}" if output.key is not None else position,
        output.name or "",
        f"from {output.producer}",
        f"line {output.line}" if output.line else "",
    ]


def _styles(model: ModelReport) -> list[str]:
    width = max(len(fit.style) for fit in model.styles) + 2
    lines = []
    for fit in model.styles:
        verdict = "yes, as written" if fit.style == model.style else "yes" if fit.fits else "no"
        lines.append(f"{fit.style:<{width}}{verdict}")
        lines += [f"  line {reason.line}: {reason.message}" for reason in fit.reasons]
    return lines


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells with every column padded to its widest cell; empty columns dropped."""
    columns = [i for i in range(len(rows[0])) if any(row[i] for row in rows)] if rows else []
    widths = {i: max(len(row[i]) for row in rows) for i in columns}
    return ["  ".join(f"{row[i]:<{widths[i]}}" for i in columns).rstrip() for row in rows]


def _titled(layer: str, layer_class: str) -> str:
    """``shared (Dense)``; a layer known only by its class is just ``Dense``."""
    short = layer_class.rsplit(".", 1)[-1]
    return layer if layer == short else f"{layer} ({short})"


def _lines(numbers: Sequence[int]) -> str:
    return ", ".join(map(str, numbers))


def _at(line: int | None) -> str:
    return f" from line {line}" if line else ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _where(lines: Sequence[int]) -> str:
    return f"line {lines[0]}" if len(lines) == 1 else f"lines {_lines(lines)}"
