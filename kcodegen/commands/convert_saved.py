"""``kcg convert model.keras``: a saved model becomes a module, verified with its own weights."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

import click

from kcodegen.errors import BadInput, KcgError
from kcodegen.files import write_atomic

if TYPE_CHECKING:
    from kcodegen.commands.convert_options import ConvertOptions
    from kcodegen.saved.convert import SavedConversion
    from kcodegen.verify import VerifySession

OK, FINDINGS, BAD_INPUT = 0, 1, 2


def _say(message: str) -> None:
    click.echo(message, err=True)


def run_convert_saved(
    path: str, options: ConvertOptions, session: VerifySession | None = None
) -> int:
    from kcodegen.saved.convert import convert_saved

    if options.in_place or options.diff or options.check:
        _say(f"{path}: a saved model is not source: write the module with -o (or to stdout)")
        return BAD_INPUT
    try:
        result = convert_saved(
            path, options.style, variable=options.variable, custom_modules=options.custom_modules
        )
    except KcgError as error:
        _say(
            f"{path}: {'' if isinstance(error, BadInput) else 'cannot write as code: '}{error.message}"
        )
        return BAD_INPUT if isinstance(error, BadInput) else FINDINGS
    if result.refusals:
        lines = result.functional.splitlines()
        _say(f"{path}: cannot write the model as {options.style}:")
        for reason in result.refusals:
            code = lines[reason.line - 1].strip() if 0 < reason.line <= len(lines) else ""
            _say(f"{path}: {reason.message}" + (f" (at `{code}`)" if code else ""))
        return FINDINGS
    code = _verify(path, result, options, session)
    if code:
        return code
    try:
        if options.output and options.output != "-":
            write_atomic(options.output, result.output, "utf-8")
        else:
            click.echo(result.output, nl=False)
    except OSError as error:
        _say(f"{options.output}: cannot write: {error.strerror or error}")
        return BAD_INPUT
    return OK


def _verify(
    path: str, result: SavedConversion, options: ConvertOptions, session: VerifySession | None
) -> int:
    if options.verify is False:
        return OK
    if importlib.util.find_spec("tensorflow") is None:
        if options.verify or options.weights_out:
            _say(f"{path}: cannot verify: TensorFlow is not installed; pip install 'kcodegen[tf]'")
            return BAD_INPUT
        _say(f"{path}: not verified (TensorFlow is not installed)")
        return OK
    from kcodegen.verify import LOCATED_FAILURES, VerifyFailure
    from kcodegen.verify.saved import verify_saved

    shown = options.output if options.output and options.output != "-" else "<stdout>"
    outcome = verify_saved(
        path,
        result.output,
        path=shown,
        variable=options.variable,
        custom_modules=result.custom_modules,
        weights_out=options.weights_out,
        timeout=options.timeout,
        session=session,
    )
    weights = "its saved weights" if result.has_weights else "seeded weights (the file has none)"
    if isinstance(outcome, VerifyFailure):
        where = "" if outcome.kind in LOCATED_FAILURES else f"{path}: "
        _say(f"{where}{outcome.message} (cannot verify the generated module)")
        return BAD_INPUT
    if not outcome.equivalent:
        _say(f"{path}: the generated module computes something else; nothing written")
        _say(outcome.details())
        return FINDINGS
    _say(f"{path}: {outcome.summary()} (with {weights})")
    if outcome.weights_written:
        _say(f"{path}: wrote its weights for the generated model to {outcome.weights_written}")
    return OK
