"""The ``kcg`` command line. Exit codes: 0 done/clean, 1 findings or refusals, 2 bad input or usage."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import click

from kcodegen.ir import STYLES


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"kcg: {message}", err=True)
    sys.exit(code)


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """No traceback for users: bad input exits 2 with path:line, internal errors point to --debug."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False)
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:
            if debug:
                traceback.print_exc()
            _fail(
                f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)"
            )

    return run


def _parse_shape(text: str) -> tuple[str, tuple[int | None, ...]]:
    name, sep, dims = text.partition("=")
    if not sep or not name.isidentifier():
        raise click.BadParameter(f"{text!r}: expected NAME=D1,D2,... such as inputs=28,28")
    try:
        shape = tuple(
            None if d.strip().lower() in ("none", "?") else int(d)
            for d in dims.strip("()").split(",")
            if d.strip()
        )
    except ValueError:
        raise click.BadParameter(f"{text!r}: dimensions must be integers or None") from None
    return name, shape


def _parse_bind(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier() or not value:
        raise click.BadParameter(f"{text!r}: expected NAME=VALUE such as num_labels=10")
    return name, value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kcodegen")
def main() -> None:
    """Read Keras model code as a graph, analyze it, and rewrite it in another Keras API."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--to",
    "style",
    type=click.Choice(STYLES),
    required=True,
    help="The Keras API to write the model in.",
)
@click.option("--model", "model_name", help="Convert only this model (variable, name= or class).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the converted module here."
)
@click.option("--in-place", is_flag=True, help="Rewrite the file (atomically).")
@click.option(
    "--diff", "show_diff", is_flag=True, help="Print a unified diff; exit 1 when it is not empty."
)
@click.option("--check", is_flag=True, help="Exit 1 when the conversion would change the file.")
@click.option(
    "--verify/--no-verify",
    default=None,
    help="Run both models and compare outputs (default: when TensorFlow is installed).",
)
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    metavar="NAME=SHAPE",
    help="Input shape without batch, e.g. inputs=28,28.",
)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="NAME=VALUE",
    help="Value of a data-dependent name, for verification.",
)
@click.option(
    "--timeout", default=120.0, show_default=True, help="Seconds verification may take per model."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@_guarded
def convert(
    paths: tuple[str, ...],
    style: str,
    model_name: str | None,
    output: str | None,
    in_place: bool,
    show_diff: bool,
    check: bool,
    verify: bool | None,
    input_shapes: tuple[str, ...],
    binds: tuple[str, ...],
    timeout: float,
    debug: bool,
) -> None:
    """Rewrite the models in PATH... as Sequential, Functional or subclassed models."""
    from kcodegen.commands.convert import ConvertOptions, run_convert

    if sum(map(bool, (output, in_place, show_diff, check))) > 1:
        _fail("use only one of -o, --in-place, --diff and --check")
    if output and len(paths) > 1:
        _fail("-o takes a single input file")
    if in_place and "-" in paths:
        _fail("--in-place cannot rewrite stdin")
    options = ConvertOptions(
        style=style,  # type: ignore[arg-type]
        model=model_name,
        output=output,
        in_place=in_place,
        diff=show_diff,
        check=check,
        verify=verify,
        input_shapes=dict(_parse_shape(s) for s in input_shapes),
        binds=dict(_parse_bind(b) for b in binds),
        timeout=timeout,
    )
    worst = max((run_convert(path, options) for path in paths), default=0)
    if worst:
        sys.exit(worst)


__all__ = ["main"]
