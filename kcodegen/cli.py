"""The ``kcg`` command line. Exit codes: 0 done/clean, 1 findings or refusals, 2 bad input or usage."""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

import click

from kcodegen.cli_support import (
    ASSUME_HELP,
    fail,
    guarded,
    parse_assume,
    parse_bind,
    parse_shape,
)
from kcodegen.commands import analyze, graph, lint, verify
from kcodegen.ir import STYLES


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
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the converted module here (- for stdout).",
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
@click.option("--assume", "assume", multiple=True, metavar="SETTING=VALUE", help=ASSUME_HELP)
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False),
    help="Trained weights of the original model (what its load_weights reads).",
)
@click.option(
    "--weights-out",
    type=click.Path(dir_okay=False),
    help="Write those weights for the converted model here (.weights.h5), once it is verified.",
)
@click.option(
    "--name",
    "variable",
    default="model",
    show_default=True,
    help="For a saved model: the variable the generated module binds the model to.",
)
@click.option(
    "--custom-module",
    "custom_modules",
    multiple=True,
    metavar="MODULE",
    help="For a saved model: a module that defines its custom classes (importable from here).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@guarded
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
    assume: tuple[str, ...],
    weights: str | None,
    weights_out: str | None,
    variable: str,
    custom_modules: tuple[str, ...],
    debug: bool,
) -> None:
    """Rewrite the models in PATH... as Sequential, Functional or subclassed models."""
    from kcodegen.commands.convert import ConvertOptions, convert_files

    if sum(map(bool, (output, in_place, show_diff, check))) > 1:
        fail("use only one of -o, --in-place, --diff and --check")
    if output and len(paths) > 1:
        fail("-o takes a single input file")
    if in_place and "-" in paths:
        fail("--in-place cannot rewrite stdin")
    from kcodegen.saved.files import is_saved_model

    saved = [p for p in paths if p != "-" and is_saved_model(p)]
    if saved and weights:
        fail("a saved model carries its own weights: --weights is for source files")
    if saved and not variable.isidentifier():
        fail(f"--name must be a Python name, not {variable!r}")
    if not saved and bool(weights) != bool(weights_out):
        fail("--weights and --weights-out go together: trained weights in, converted weights out")
    if weights_out and not weights_out.endswith(".weights.h5"):
        fail("--weights-out must end in .weights.h5, as Keras 3 saves weights")
    if weights and (verify is False or len(paths) > 1):
        fail("--weights needs verification (no --no-verify) and a single input file")
    options = ConvertOptions(
        style=style,  # type: ignore[arg-type]
        model=model_name,
        output=output,
        in_place=in_place,
        diff=show_diff,
        check=check,
        verify=verify,
        input_shapes=dict(parse_shape(s) for s in input_shapes),
        binds=dict(parse_bind(b) for b in binds),
        timeout=timeout,
        weights=weights,
        weights_out=weights_out,
        assume=parse_assume(assume),
        variable=variable,
        custom_modules=custom_modules,
    )
    worst = convert_files(paths, options)
    if worst:
        sys.exit(worst)


main.add_command(analyze.command)
main.add_command(graph.command)
main.add_command(verify.command)
main.add_command(lint.command)

# Further commands live in kcodegen/commands/<name>.py, each a click command named ``command``;
# they import their heavy parts lazily so that ``kcg --help`` stays fast.


def run() -> NoReturn:
    """The ``kcg`` program: ``main`` with the cyclic garbage collector paused, freed memory kept
    for reuse, and an exit that leaves the heap to the operating system.

    Syntax trees hold no cycles, and reference counting frees them; but each collection walks
    every live node, which made a third of a 10,000-layer conversion's time, and freeing the
    trees one by one at exit another tenth. Peak memory is the same (``bench/scale.py``).
    ``main`` itself, as tests and other programs call it, leaves the collector and the allocator
    alone.
    """
    gc.disable()
    _keep_freed_memory()
    try:
        main()
        code: object = 0
    except SystemExit as exit_:
        code = exit_.code
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def _keep_freed_memory() -> None:
    """Ask glibc's allocator to keep what is freed instead of unmapping it.

    libcst's parser allocates and frees large buffers (some 300 MB for a 10,000-layer model);
    glibc maps each in fresh pages and returns them on free, so every parse faulted its memory
    in again: 170,000 page faults for that conversion, 100,000 with this, and a tenth of its
    time. The process is short-lived, so holding the memory until exit costs nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mmap_threshold, trim_threshold = -3, -1  # malloc.h's M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    mallopt(mmap_threshold, 32 * 1024 * 1024)  # glibc's largest: bigger blocks are still mapped
    mallopt(trim_threshold, 2**31 - 1)


__all__ = ["main", "run"]
