"""``kcg convert``: parse, convert, verify, then print or write — or write nothing at all."""

from __future__ import annotations

import difflib
import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from kcodegen.commands.convert_options import ConvertOptions
from kcodegen.convert import Conversion, convert
from kcodegen.errors import KcgError
from kcodegen.files import read_source, write_atomic
from kcodegen.saved.files import is_saved_model

if TYPE_CHECKING:
    from kcodegen.verify import VerifySession

OK, FINDINGS, BAD_INPUT = 0, 1, 2


def _say(message: str) -> None:
    click.echo(message, err=True)


def convert_files(paths: Sequence[str], options: ConvertOptions) -> int:
    """Convert each file; the worst exit code. One verification worker serves them all, started
    first: it imports TensorFlow while the static conversion runs, on the other core."""
    if options.verify is False or not paths:
        return max(run_convert(path, options) for path in paths) if paths else OK
    from kcodegen.verify import VerifySession

    with VerifySession(timeout_per_case=options.timeout) as session:
        session.start()
        return max([run_convert(path, options, session) for path in paths])


def run_convert(path: str, options: ConvertOptions, session: VerifySession | None = None) -> int:
    """Convert one file; the exit code it earns. ``session`` verifies, when given (else a
    session of its own does)."""
    shown = "<stdin>" if path == "-" else path
    if path != "-" and is_saved_model(path):
        from kcodegen.commands.convert_saved import run_convert_saved

        return run_convert_saved(path, options, session)
    try:
        source = read_source(path)
        result = convert(
            source.text,
            options.style,
            model=options.model,
            input_shapes=options.input_shapes,
            binds=options.binds,
            assume=options.assume,
        )
    except KcgError as error:
        _say(f"{error.where(shown)}: {error.message}")
        return BAD_INPUT
    for assumption in result.assumptions:  # never silently: what the model's structure rests on
        _say(f"{shown}:{assumption.line}: note: {assumption.describe()}")
    if result.refusals:
        for refusal in result.refusals:
            _say(f"{shown}: cannot convert `{refusal.model}` to {options.style}:")
            for reason in refusal.reasons:
                _say(f"{shown}:{reason.line}: {reason.message}")
        return FINDINGS
    if result.problems and not result.models:
        _say(f"{shown}: left as written: its models are {options.style} already")
    for problem in result.problems:  # the models that were understood convert; say what was not
        _say(f"{shown}:{problem.line}: note: not converted: {problem.message}")
    for helper in result.removed_helpers:
        line = _definition_line(source.text, helper)
        _say(
            f"{shown}:{line}: note: removed `{helper}`: it built the model, and nothing calls it now"
        )
    code = _verify(shown, result, options, session)
    if code:
        return code
    try:
        return _deliver(path, shown, source.encoding, result, options)
    except KcgError as error:
        _say(f"{shown}: {error.message}")
    except OSError as error:
        _say(f"{shown}: cannot write: {error.strerror or error}")
    return BAD_INPUT


def _verify(
    shown: str, result: Conversion, options: ConvertOptions, session: VerifySession | None
) -> int:
    """Run every converted model against its original in one worker; one line per model."""
    if options.verify is False or not result.changed:
        if options.weights:
            _say(f"{shown}: nothing was converted, so no weights were written")
        return OK
    if importlib.util.find_spec("tensorflow") is None:
        if options.verify:
            _say(
                f"{shown}: cannot verify: TensorFlow is not installed; pip install 'kcodegen[tf]' or pass --no-verify"
            )
            return BAD_INPUT
        _say(f"{shown}: not verified (TensorFlow is not installed)")
        return OK
    from kcodegen.verify import LOCATED_FAILURES, VerifyFailure
    from kcodegen.verify.conversion import verify_conversion

    converted = tuple(g for g in result.models if g.name in result.converted)
    if options.weights and len(converted) != 1:
        names = ", ".join(g.name for g in converted)
        _say(f"{shown}: --weights are for one model; pick one of {names} with --model")
        return BAD_INPUT
    results = verify_conversion(
        result.original,
        result.output,
        converted,
        path=shown,
        binds=options.binds,
        input_shapes=options.input_shapes,
        timeout=options.timeout,
        weights=options.weights,
        weights_out=options.weights_out,
        assume={a.name: a.value for a in result.assumptions},
        session=session,
    )
    worst = OK
    for name, outcome in results:
        if isinstance(outcome, VerifyFailure):
            where = "" if outcome.kind in LOCATED_FAILURES else f"{shown}: "
            # Data or a shape only the user can give: a note, unless verification was asked for.
            if outcome.kind in ("needs-data", "input") and not options.verify:
                _say(f"{where}{outcome.message} (`{name}` not verified)")
                continue
            _say(f"{where}{outcome.message} (cannot verify `{name}`)")
            worst = max(worst, BAD_INPUT)
        elif outcome.equivalent:
            _say(f"{shown}: `{name}`: {outcome.summary()}")
            if outcome.weights_written:
                _say(f"{shown}: `{name}`: wrote its trained weights to {outcome.weights_written}")
        else:
            _say(f"{shown}: `{name}`: the converted model computes something else; nothing written")
            _say(outcome.details())
            worst = max(worst, FINDINGS)
    return worst


def _deliver(
    path: str, shown: str, encoding: str, result: Conversion, options: ConvertOptions
) -> int:
    if options.check:
        if result.changed:
            _say(f"would convert {shown}")
            return FINDINGS
        return OK
    if options.diff:
        diff = "".join(
            difflib.unified_diff(
                result.original.splitlines(keepends=True),
                result.output.splitlines(keepends=True),
                f"{shown}\t(original)",
                f"{shown}\t(converted to {options.style})",
            )
        )
        click.echo(diff, nl=False)
        return FINDINGS if diff else OK
    if options.in_place:
        if result.changed:
            write_atomic(path, result.output, encoding)
            _say(f"converted {shown}")
        return OK
    if options.output and options.output != "-":
        write_atomic(options.output, result.output, encoding)
        return OK
    # Bytes in the file's own encoding, so `kcg convert f.py > g.py` equals `-o g.py`.
    click.get_binary_stream("stdout").write(result.output.encode(encoding))
    return OK


def _definition_line(source: str, function: str) -> int:
    """The line of the module-level ``def function(``."""
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith((f"def {function}(", f"async def {function}(")):
            return number
    return 1
