"""``kcg verify ORIGINAL CONVERTED``: run both models on the same inputs with the same weights.

Exit 0 when every model pair computes the same, 1 when one differs (the report says where), 2 when
one cannot be run: bad input, missing TensorFlow, data the model needs, code that raises, a timeout.
"""

from __future__ import annotations

import json
import sys

import click

from kcodegen.cli_support import fail, guarded, parse_bind, parse_shape

OK, DIFFERENT, CANNOT_RUN = 0, 1, 2


def parse_range(text: str) -> tuple[str | None, tuple[float, float]]:
    """``LOW,HIGH`` (every input) or ``NAME=LOW,HIGH`` (one input)."""
    name, sep, bounds = text.rpartition("=")
    try:
        low, high = (float(b) for b in bounds.split(","))
    except ValueError:
        raise click.BadParameter(f"{text!r}: expected LOW,HIGH or NAME=LOW,HIGH") from None
    if (sep and not name.isidentifier()) or not low < high:
        raise click.BadParameter(f"{text!r}: expected LOW,HIGH with LOW < HIGH, or NAME=LOW,HIGH")
    return (name or None), (low, high)


@click.command("verify")
@click.argument("original")
@click.argument("converted")
@click.option("--model", "model_name", help="Verify only this model (variable, name= or class).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report as text or as JSON.",
)
@click.option(
    "--bind", "binds", multiple=True, metavar="NAME=VALUE", help="Value of a data-dependent name."
)
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="NAME=SHAPE",
    help="Input shape without batch, e.g. inputs=28,28.",
)
@click.option(
    "--input-range",
    "input_ranges",
    multiple=True,
    metavar="[NAME=]LOW,HIGH",
    help="Draw input values uniformly from [LOW, HIGH) (integers for integer inputs).",
)
@click.option("--atol", default=1e-5, show_default=True, help="Absolute tolerance.")
@click.option("--rtol", default=1e-5, show_default=True, help="Relative tolerance.")
@click.option(
    "--timeout", default=120.0, show_default=True, help="Seconds one model pair may take."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@guarded
def command(
    original: str,
    converted: str,
    model_name: str | None,
    output_format: str,
    binds: tuple[str, ...],
    input_shapes: tuple[str, ...],
    input_ranges: tuple[str, ...],
    atol: float,
    rtol: float,
    timeout: float,
    debug: bool,
) -> None:
    """Check that CONVERTED computes what ORIGINAL computes, model by model."""
    from kcodegen.errors import KcgError
    from kcodegen.files import read_source
    from kcodegen.verify import (
        ModuleError,
        VerifyFailure,
        VerifySession,
        VerifyUnavailable,
        file_cases,
        result_json,
    )

    texts = []
    for path in (original, converted):
        try:
            texts.append(read_source(path).text)
        except KcgError as error:
            click.echo(f"{path}: {error.message}", err=True)
            sys.exit(CANNOT_RUN)
    try:
        cases = file_cases(
            *texts,
            model=model_name,
            original_path=original,
            converted_path=converted,
            binds=dict(parse_bind(b) for b in binds),
            input_shapes=dict(parse_shape(s) for s in input_shapes),
            input_ranges=dict(parse_range(r) for r in input_ranges),
            atol=atol,
            rtol=rtol,
        )
    except ModuleError as error:
        click.echo(f"{error.where(error.path)}: {error.message}", err=True)
        sys.exit(CANNOT_RUN)
    except KcgError as error:
        fail(error.message)
    try:
        with VerifySession(timeout_per_case=timeout) as session:
            results = session.verify([case for _, case in cases])
    except VerifyUnavailable as error:
        fail(f"cannot verify: {error}")
    named = [(name, result) for (name, _), result in zip(cases, results, strict=True)]
    codes = [
        CANNOT_RUN if isinstance(result, VerifyFailure) else OK if result.equivalent else DIFFERENT
        for _, result in named
    ]
    worst = max(codes)
    if output_format == "json":
        verdicts = {OK: "equivalent", DIFFERENT: "different", CANNOT_RUN: "error"}
        document = {
            "original": original,
            "converted": converted,
            "verdict": verdicts[worst],
            "atol": atol,
            "rtol": rtol,
            "models": [result_json(name, result) for name, result in named],
        }
        click.echo(json.dumps(document, indent=2))
    else:
        for name, result in named:
            heading = f"`{name}`: " if len(named) > 1 else ""
            if isinstance(result, VerifyFailure):
                click.echo(result.message, err=True)
            else:
                lines = result.details().splitlines()
                click.echo("\n".join(f"{heading}{line}" for line in lines))
    sys.exit(worst)
