"""Running rules over files: cheap pre-filters first, the libcst tree only when a rule needs it.

A file that mentions neither ``keras`` nor ``tensorflow`` cannot build a Keras model and is not
looked at further; a rule runs only when one of its triggers occurs in the text, and the tree (or
the models) are built on first use by a rule that runs, so most files are never parsed. Because of
that, a syntax error is reported only in a file some rule had to parse. Files are linted in worker
processes when there are enough of them for the start-up to pay off.
"""

from __future__ import annotations

import ast
import gc
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace

from kcodegen.errors import KcgError
from kcodegen.files import read_source, write_atomic
from kcodegen.lint.noqa import unsuppressed
from kcodegen.lint.rule import Finding, LintContext, Rule

KERAS_WORDS = ("keras", "tensorflow")
MAX_FIX_PASSES = 10
# Below these, starting worker processes costs more than it saves.
MIN_FILES_FOR_WORKERS = 8
MIN_BYTES_FOR_WORKERS = 200_000
CHUNK = 4  # files a worker takes at a time: few enough to balance, enough to save round trips
# Parsing allocates millions of short-lived nodes, freed by reference counting; at Python's default
# thresholds the cyclic collector runs thousands of times over them and takes 15% of lint's time.
GC_THRESHOLDS = (100_000, 50, 100)


class RuleCrashed(Exception):
    """A rule raised: a bug in kcg, reported with the rule's code instead of a traceback."""


@dataclass(frozen=True)
class Job:
    """One file to lint: its shown path, where to read it (None: ``text``), the rules, and --fix."""

    shown: str
    path: str | None
    rules: tuple[Rule, ...]
    fix: bool = False
    text: str | None = None  # stdin's content
    encoding: str = "utf-8"


@dataclass(frozen=True)
class FileResult:
    shown: str
    findings: tuple[Finding, ...] = ()
    source: str = ""  # the (fixed) text the findings point into; kept only when needed
    fixed: int = 0
    error: str | None = None  # a one-line message, starting with the path


def mentions_keras(source: str) -> bool:
    return any(word in source for word in KERAS_WORDS)


def sort_key(finding: Finding) -> tuple[int, int, str]:
    return (finding.line, finding.col, finding.code)


def check(source: str, path: str, rules: Sequence[Rule]) -> list[Finding]:
    """The unsuppressed findings of ``rules`` on ``source``, in order.

    Raises the frontend's error for a syntax error met while parsing, RuleCrashed for a rule's bug.
    """
    if not mentions_keras(source):
        return []
    active = [rule for rule in rules if rule.applies_to(source)]
    if not active:
        return []
    context = LintContext(path, source)
    found: list[Finding] = []
    for rule in active:
        try:
            found.extend(rule.check(context))
        except KcgError:
            raise
        except Exception as error:
            raise RuleCrashed(f"{rule.code} crashed: {type(error).__name__}: {error}") from error
    return sorted(unsuppressed(found, source, context.lines), key=sort_key)


class _BrokenFix(RuleCrashed):
    """Fixes that left invalid Python; ``source`` is the text before them."""

    def __init__(self, source: str, applied: int, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.applied = applied


def fix(source: str, path: str, rules: Sequence[Rule]) -> tuple[str, int, list[Finding]]:
    """Apply fixes until none is left or they stop changing the text.

    Returns the new text, how many fixes were applied, and what remains. A pass whose fixes leave
    invalid Python is dropped (RuleCrashed), keeping the passes before it.
    """
    from kcodegen.lint.fix import apply_fixes

    applied = 0
    newline = newline_of(source)
    findings = check(source, path, rules)
    for _ in range(MAX_FIX_PASSES):
        fixable = [in_style(finding, newline) for finding in findings if finding.fix is not None]
        if not fixable:
            break
        fixed, count = apply_fixes(source, fixable)
        if not count or fixed == source:
            break
        try:
            ast.parse(fixed)
        except SyntaxError:
            codes = ", ".join(sorted({finding.code for finding in fixable}))
            raise _BrokenFix(source, applied, f"fixes for {codes} produced invalid code") from None
        source, applied = fixed, applied + count
        findings = check(source, path, rules)
    return source, applied, findings


def newline_of(source: str) -> str:
    """The file's line ending, by its first line (``\\n`` for a file of one line)."""
    end = source.find("\n")
    return "\r\n" if end > 0 and source[end - 1] == "\r" else "\n"


def in_style(finding: Finding, newline: str) -> Finding:
    """The finding with its fix's inserted line breaks written as the file writes them."""
    if newline == "\n" or finding.fix is None:
        return finding
    edits = tuple(
        replace(edit, text=edit.text.replace("\r\n", "\n").replace("\n", newline))
        for edit in finding.fix.edits
    )
    return replace(finding, fix=replace(finding.fix, edits=edits))


def lint_file(job: Job) -> FileResult:
    """Read, lint and (with --fix) rewrite one file; never raises for a user's mistake."""
    try:
        if job.text is None:
            assert job.path is not None
            read = read_source(job.path)
            text, encoding = read.text, read.encoding
        else:
            text, encoding = job.text, job.encoding
        if not job.fix:
            findings = check(text, job.shown, job.rules)
            return FileResult(job.shown, tuple(findings), text if findings else "")
        try:
            new, applied, findings = fix(text, job.shown, job.rules)
            error = None
        except _BrokenFix as broken:
            new, applied = broken.source, broken.applied
            findings = check(new, job.shown, job.rules)
            error = f"{job.shown}: {broken} (a bug in kcg; those fixes were not applied)"
        if applied and job.path is not None:
            write_atomic(job.path, new, encoding)
        keep = new if findings or job.path is None else ""
        return FileResult(job.shown, tuple(findings), keep, applied, error)
    except KcgError as error:
        return FileResult(job.shown, error=f"{error.where(job.shown)}: {error.message}")
    except RuleCrashed as error:
        return FileResult(job.shown, error=f"{job.shown}: internal error: {error} (a bug in kcg)")
    except OSError as error:
        return FileResult(job.shown, error=f"{job.shown}: cannot write: {error.strerror or error}")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_workers(jobs: Sequence[Job], sizes: Sequence[int]) -> bool:
    return (
        len(jobs) >= MIN_FILES_FOR_WORKERS
        and available_cores() >= 2
        and sum(sizes) >= MIN_BYTES_FOR_WORKERS
    )


def _size(job: Job) -> int:
    if job.text is not None:
        return len(job.text)
    try:
        return os.stat(job.path).st_size if job.path else 0
    except OSError:
        return 0


def run(jobs: Sequence[Job], parallel: bool | None = None) -> list[FileResult]:
    """Lint every job, in worker processes when it pays (or as ``parallel`` says); results in order.

    Workers take the largest files first, so that no worker is left with a big file at the end.
    """
    sizes = [_size(job) for job in jobs]
    if parallel is None:
        parallel = worth_workers(jobs, sizes)
    if not parallel:
        with fewer_collections():
            return [lint_file(job) for job in jobs]
    workers = min(available_cores(), len(jobs))
    order = sorted(range(len(jobs)), key=lambda i: -sizes[i])
    results: list[FileResult | None] = [None] * len(jobs)
    with ProcessPoolExecutor(workers, initializer=_collect_less) as pool:
        done = pool.map(lint_file, [jobs[i] for i in order], chunksize=CHUNK)
        for i, result in zip(order, done, strict=True):
            results[i] = result
    return [result for result in results if result is not None]


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often (``GC_THRESHOLDS``), then as before."""
    before = gc.get_threshold()
    _collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _collect_less() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
