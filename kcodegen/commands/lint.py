"""``kcg lint``: find (and with --fix, repair) Keras pitfalls in PATH... without running anything.

Exit codes: 0 clean, 1 findings remain, 2 bad input or usage — a missing path, an unknown rule
code, a bad configuration, a syntax error in a file a rule had to parse. A file's bad input does
not stop the others from being linted. Static: neither TensorFlow nor Keras is imported, and the
files are read, never imported or run.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kcodegen.cli_support import fail, guarded

if TYPE_CHECKING:
    from kcodegen.files import SourceFile
    from kcodegen.lint.config import LintConfig
    from kcodegen.lint.rule import Rule
    from kcodegen.lint.runner import FileResult, Job

STDIN = "-"
FORMATS = ("full", "concise", "json", "github", "sarif")
OK, FINDINGS, BAD_INPUT = 0, 1, 2


@dataclass(frozen=True)
class LintOptions:
    select: tuple[str, ...] | None
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    fix: bool
    output_format: str
    statistics: bool
    exit_zero: bool
    config: str | None
    stdin_filename: str | None
    force_exclude: bool


@click.command("lint")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Only these rules: codes or prefixes, KCG1,KCG201.",
)
@click.option(
    "--extend-select",
    multiple=True,
    metavar="CODES",
    help="Add these rules to the selection, e.g. the opt-in style rule KCG101.",
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Leave out these codes or prefixes.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what remains.")
@click.option(
    "--output-format",
    type=click.Choice(FORMATS),
    default="full",
    show_default=True,
    help="How findings are printed.",
)
@click.option("--statistics", is_flag=True, help="Count findings per code instead of listing them.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--config", metavar="FILE", help="Use this TOML file's [tool.kcg.lint] instead of searching."
)
@click.option("--stdin-filename", metavar="PATH", help="The path of the code read from `-`.")
@click.option(
    "--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@guarded
def command(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fix: bool,
    output_format: str,
    statistics: bool,
    exit_zero: bool,
    config: str | None,
    stdin_filename: str | None,
    force_exclude: bool,
    debug: bool,
) -> None:
    """Report Keras pitfalls in PATH... (files or folders; `-` reads stdin)."""
    from kcodegen.lint.config import parse_codes

    options = LintOptions(
        select=tuple(code for text in select for code in parse_codes(text)) if select else None,
        ignore=tuple(code for text in ignore for code in parse_codes(text)),
        extend_select=tuple(code for text in extend_select for code in parse_codes(text)),
        fix=fix,
        output_format=output_format,
        statistics=statistics,
        exit_zero=exit_zero,
        config=config,
        stdin_filename=stdin_filename,
        force_exclude=force_exclude,
    )
    code = run_lint(paths, options)
    if code:
        sys.exit(code)


def run_lint(paths: tuple[str, ...], options: LintOptions) -> int:
    """Lint, print, and return the exit code."""
    from kcodegen.errors import BadInput
    from kcodegen.lint.registry import all_rules
    from kcodegen.lint.runner import run

    if paths.count(STDIN) > 1:
        fail("`-` (stdin) can be given only once")
    rules = all_rules()
    try:
        plan = _plan(paths, options, rules)
    except BadInput as error:
        fail(error.message)
    results = run(plan.jobs)

    for missing in plan.missing:
        click.echo(f"{missing}: no such file or directory", err=True)
    if not plan.jobs and not plan.missing:
        click.echo("kcg: no Python files found", err=True)
    failures = [result.error for result in results if result.error]
    for failure in failures:
        click.echo(failure, err=True)
    stdin_fixed = options.fix and plan.stdin is not None
    if stdin_fixed:  # the fixed code goes to stdout and the report to stderr, as ruff does
        assert plan.stdin is not None
        fixed = next(
            result for result, job in zip(results, plan.jobs, strict=True) if job.path is None
        )
        text = plan.stdin.text if fixed.error else fixed.source
        click.get_binary_stream("stdout").write(text.encode(plan.stdin.encoding))
    ran = {rule.code: rule for job in plan.jobs for rule in job.rules}
    remaining = _report(results, ran, options, to_stderr=stdin_fixed)
    if plan.missing or failures:
        return BAD_INPUT
    return FINDINGS if remaining and not options.exit_zero else OK


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    missing: tuple[str, ...]
    stdin: SourceFile | None


def _plan(paths: tuple[str, ...], options: LintOptions, rules: tuple[Rule, ...]) -> Plan:
    """The files to lint with the rules each one gets; BadInput for a bad code or configuration."""
    from kcodegen.files import read_source
    from kcodegen.lint.config import ConfigFinder, RuleChooser, Selection, check_selectors
    from kcodegen.lint.files import collect
    from kcodegen.lint.runner import Job

    known = frozenset(rule.code for rule in rules)
    defaults = frozenset(rule.code for rule in rules if rule.default)
    check_selectors(options.select or (), known, "--select")
    check_selectors(options.ignore, known, "--ignore")
    check_selectors(options.extend_select, known, "--extend-select")
    finder = ConfigFinder(Path(options.config) if options.config else None)
    collected = collect(paths, finder, options.stdin_filename, options.force_exclude)
    for config in finder.all_found():
        _check_config(config, known)
    stdin = read_source(STDIN) if STDIN in paths else None

    selection = Selection(options.select, options.ignore, options.extend_select)
    chooser = RuleChooser(known, defaults, selection)
    subsets: dict[frozenset[str], tuple[Rule, ...]] = {}  # one tuple per rule set: pickled once
    jobs = []
    for target in collected.targets:
        enabled = chooser.enabled(target.config, target.location)
        chosen = subsets.setdefault(enabled, tuple(r for r in rules if r.code in enabled))
        if target.path is None and stdin is not None:
            jobs.append(Job(target.shown, None, chosen, options.fix, stdin.text, stdin.encoding))
        else:
            jobs.append(Job(target.shown, str(target.path), chosen, options.fix))
    return Plan(jobs, collected.missing, stdin)


def _check_config(config: LintConfig, known: frozenset[str]) -> None:
    from kcodegen.lint.config import TABLE, check_selectors

    where = f"{config.origin}: {TABLE}"
    check_selectors(config.select or (), known, f"{where} select")
    check_selectors(config.extend_select, known, f"{where} extend-select")
    check_selectors(config.ignore, known, f"{where} ignore")
    for glob, codes in config.per_file_ignores:
        check_selectors(codes, known, f"{where} per-file-ignores {glob.pattern!r}")


def _report(
    results: list[FileResult], rules: dict[str, Rule], options: LintOptions, to_stderr: bool
) -> int:
    """Print the findings (or their statistics); how many remain."""
    from kcodegen.lint.formats import Report, render
    from kcodegen.lint.formats import statistics as stats

    report = Report(
        results=tuple(results),
        rules=rules,
        fixed=sum(result.fixed for result in results),
        fix_mode=options.fix,
    )
    if options.statistics:
        text = stats.render(report, as_json=options.output_format == "json")
    else:
        text = render(options.output_format, report)
    color = False if os.environ.get("NO_COLOR") else None  # else: styled on a terminal only
    click.echo(text, nl=False, err=to_stderr, color=color)
    return report.count
