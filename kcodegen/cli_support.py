"""What every ``kcg`` command shares: one-line failures, no tracebacks, NAME=VALUE options."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import click


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"kcg: {message}", err=True)
    sys.exit(code)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
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
            fail(
                f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)"
            )

    return run


def parse_shape(text: str) -> tuple[str, tuple[int | None, ...]]:
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


def parse_assume(texts: tuple[str, ...]) -> dict[str, object]:
    """``--assume image_data_format=channels_first`` options, checked (see keras_config)."""
    from kcodegen.frontend.keras_config import parse_assumption

    try:
        return dict(parse_assumption(text) for text in texts)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--assume'") from None


ASSUME_HELP = (
    "Keras setting the code reads, e.g. image_data_format=channels_first (default: Keras's)."
)


def parse_bind(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier() or not value:
        raise click.BadParameter(f"{text!r}: expected NAME=VALUE such as num_labels=10")
    return name, value
