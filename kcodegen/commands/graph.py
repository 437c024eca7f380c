"""``kcg graph``: draw the models of a file as Mermaid, DOT, JSON, or SVG/PNG through Graphviz.

Subclassed models are drawn from the graph their ``call()`` builds, which ``keras.utils.plot_model``
cannot do (it draws a subclass as one box). Mermaid, DOT and JSON are static: the file is parsed,
never imported or run, and neither TensorFlow nor Keras is imported. SVG and PNG need Graphviz's
``dot`` program.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kcodegen.cli_support import fail, guarded, parse_shape
from kcodegen.errors import KcgError

if TYPE_CHECKING:
    from kcodegen.render.drawing import Drawing

FORMATS = ("mermaid", "dot", "json", "svg", "png")
IMAGES = ("svg", "png")


@click.command("graph")
@click.argument("path")
@click.option("--model", "model_name", help="Draw only this model (variable, name= or class).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="mermaid",
    show_default=True,
    help="svg and png need Graphviz's `dot`.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write here (atomically); - or none for stdout.",
)
@click.option(
    "--rankdir",
    type=click.Choice(["TB", "LR", "BT", "RL"]),
    default="TB",
    show_default=True,
    help="Direction the data flows in.",
)
@click.option(
    "--expand-nested", is_flag=True, help="Draw models used as layers with their own layers."
)
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="NAME=SHAPE",
    help="Input shape without batch, e.g. inputs=28,28.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@guarded
def command(
    path: str,
    model_name: str | None,
    output_format: str,
    output: str | None,
    rankdir: str,
    expand_nested: bool,
    input_shapes: tuple[str, ...],
    debug: bool,
) -> None:
    """Draw the models of PATH, subclassed ones included, layer by layer."""
    from kcodegen.files import read_source, write_atomic
    from kcodegen.frontend import parse_models, select_models
    from kcodegen.render.drawing import draw

    stdout = click.get_binary_stream("stdout")
    output = None if output == "-" else output
    if output_format == "png" and output is None and stdout.isatty():
        fail("PNG is binary: write it with -o FILE or redirect stdout")
    if output_format in IMAGES:
        from kcodegen.render.graphviz import dot_program

        try:
            dot_program(output_format)
        except KcgError as error:
            fail(error.message)
    shown = "<stdin>" if path == "-" else path
    try:
        parsed = parse_models(read_source(path).text, dict(parse_shape(s) for s in input_shapes))
        graphs = select_models(parsed, model_name)
    except KcgError as error:
        click.echo(f"{error.where(shown)}: {error.message}", err=True)
        sys.exit(2)
    for problem in parsed.problems:
        click.echo(f"{shown}:{problem.line}: not understood: {problem.message}", err=True)
    if not graphs:
        sys.exit(1)
    models = {graph.name: graph for graph in parsed.models}
    drawings = [draw(graph, models, expand_nested=expand_nested) for graph in graphs]
    name = "stdin" if path == "-" else Path(path).stem
    try:
        data = _render(drawings, output_format, rankdir, name)
        if output is None:
            stdout.write(data)
        else:
            # latin-1 maps every byte to one character, so binary output survives the text writer.
            write_atomic(output, data.decode("latin-1"), "latin-1")
    except KcgError as error:
        click.echo(f"{shown}: {error.message}", err=True)
        sys.exit(2)
    except OSError as error:
        click.echo(f"{shown}: cannot write: {error.strerror or error}", err=True)
        sys.exit(2)


def _render(drawings: list[Drawing], output_format: str, rankdir: str, name: str) -> bytes:
    from kcodegen.render import dot, json_graph, mermaid

    if output_format == "mermaid":
        return mermaid.render(drawings, rankdir).encode("utf-8")
    if output_format == "json":
        return json_graph.render(drawings).encode("utf-8")
    source = dot.render(drawings, rankdir, name)
    if output_format == "dot":
        return source.encode("utf-8")
    from kcodegen.render.graphviz import run_dot

    return run_dot(source, output_format)
