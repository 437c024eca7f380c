"""Which files ``kcg lint PATH...`` reads: named files always, folders walked for ``*.py``.

A walk is sorted (the same files in the same order on every machine) and never enters a folder a
user would not want linted — version control, virtual environments, build output, caches — nor one
the configuration excludes. It does not follow symbolic links to folders, so it cannot loop.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kcodegen.lint.config import ConfigFinder, Glob, LintConfig

DEFAULT_EXCLUDE = tuple(
    map(
        Glob,
        (
            ".bzr",
            ".direnv",
            ".eggs",
            ".git",
            ".hg",
            ".ipynb_checkpoints",
            ".mypy_cache",
            ".nox",
            ".pytest_cache",
            ".ruff_cache",
            ".svn",
            ".tox",
            ".venv",
            "__pycache__",
            "__pypackages__",
            "_build",
            "build",
            "dist",
            "node_modules",
            "site-packages",
            "venv",
        ),
    )
)
STDIN = "-"


@dataclass(frozen=True)
class Target:
    """A file to lint: the path as shown to the user, where it is, and the configuration it uses."""

    shown: str
    path: Path | None  # None for stdin
    config: LintConfig

    @property
    def location(self) -> Path | None:
        """Where the file is, or says it is (``--stdin-filename``), for per-file configuration."""
        if self.path is None:
            return None if self.shown == STDIN else Path(os.path.abspath(self.shown))
        return Path(os.path.abspath(self.path))


@dataclass(frozen=True)
class Collected:
    targets: tuple[Target, ...]
    missing: tuple[str, ...]  # paths the user named that do not exist


def collect(
    paths: Sequence[str],
    finder: ConfigFinder,
    stdin_filename: str | None = None,
    force_exclude: bool = False,
) -> Collected:
    """The files to lint, sorted by shown path, each once."""
    targets: dict[str, Target] = {}
    missing: list[str] = []
    for given in paths:
        if given == STDIN:
            shown = stdin_filename or STDIN
            anchor = Path(stdin_filename).parent if stdin_filename else Path.cwd()
            targets[STDIN] = Target(shown, None, finder.for_folder(anchor))
            continue
        path = Path(given)
        if path.is_dir():
            for found in _walk(path, finder):
                targets.setdefault(os.path.abspath(found), _target(found, finder))
        elif path.exists():
            target = _target(path, finder)
            if not (force_exclude and _excluded(path, target.config)):
                targets.setdefault(os.path.abspath(path), target)
        else:
            missing.append(given)
    return Collected(tuple(sorted(targets.values(), key=lambda t: t.shown)), tuple(missing))


def _target(path: Path, finder: ConfigFinder) -> Target:
    return Target(os.path.normpath(path), path, finder.for_folder(path.parent))


def _excluded(path: Path, config: LintConfig) -> bool:
    """For ``--force-exclude``: the file or a folder it is in (below the configuration's) is excluded."""
    absolute = Path(os.path.abspath(path))
    return config.excludes_path(absolute) or any(
        glob.matches_entry(PurePosixPath(part))
        for part in config.relative(absolute).parts
        for glob in DEFAULT_EXCLUDE
    )


def _walk(folder: Path, finder: ConfigFinder) -> Iterator[Path]:
    config = finder.for_folder(folder)
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        path = Path(entry.path)
        if _skipped(path, config):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path, finder)
        elif entry.name.endswith(".py") and entry.is_file():
            yield path


def _skipped(path: Path, config: LintConfig) -> bool:
    name = PurePosixPath(path.name)
    return any(glob.matches_entry(name) for glob in DEFAULT_EXCLUDE) or config.excludes_entry(
        Path(os.path.abspath(path))
    )
