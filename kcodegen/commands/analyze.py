"""``kcg analyze``: what is in each model and which Keras APIs can express it, as text or JSON.

A style that cannot express a model is information here, not a finding: the exit code is 0 unless
the input is bad (2). Static: the file is parsed, never imported or run, and neither TensorFlow nor
Keras is imported.
"""

from __future__ import annotations

import json
import sys

import click

from kcodegen.cli_support import ASSUME_HELP, guarded, parse_assume, parse_shape

JSON_VERSION = 1


@click.command("analyze")
@click.argument("paths", nargs=-1, required=True)
@click.option("--model", "model_name", help="Only this model (variable, name= or class).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Text for people, JSON for tools.",
)
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="NAME=SHAPE",
    help="Input shape without batch, e.g. inputs=28,28.",
)
@click.option("--assume", "assume", multiple=True, metavar="SETTING=VALUE", help=ASSUME_HELP)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@guarded
def command(
    paths: tuple[str, ...],
    model_name: str | None,
    output_format: str,
    input_shapes: tuple[str, ...],
    assume: tuple[str, ...],
    debug: bool,
) -> None:
    """Say what is in each model of PATH... and which Keras APIs can express it."""
    from kcodegen.analysis.report import analyze
    from kcodegen.errors import KcgError
    from kcodegen.files import read_source
    from kcodegen.render import report_text

    shapes = dict(parse_shape(s) for s in input_shapes)
    settings = parse_assume(assume)
    files: list[dict[str, object]] = []
    texts: list[str] = []
    failed = False
    for path in paths:
        shown = "<stdin>" if path == "-" else path
        try:
            analysis = analyze(
                read_source(path).text, model=model_name, input_shapes=shapes, assume=settings
            )
        except KcgError as error:
            click.echo(f"{error.where(shown)}: {error.message}", err=True)
            failed = True
            continue
        files.append({"path": shown, **analysis.to_dict()})
        texts.append(report_text.render(shown, analysis))
    if output_format == "json":
        click.echo(json.dumps({"version": JSON_VERSION, "files": files}, indent=2))
    elif texts:
        click.echo("\n".join(texts), nl=False)
    if failed:
        sys.exit(2)
