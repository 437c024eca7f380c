"""Which rules run on which file: ``[tool.kcg.lint]`` in pyproject.toml, then the command line.

The table lives under ``tool.kcg.lint`` so that other commands can have their own tables beside it.
Each file uses the nearest pyproject.toml, walking up from its folder, that has such a table; its
globs are relative to that file's folder. Rule selection follows ruff: codes or prefixes, the most
specific selector wins and ignore wins a tie. Without ``select`` the default rules run (those
whose findings are real problems); ``extend-select`` adds rules to either. ``--select`` on the
command line replaces the configured selection, ``--extend-select`` adds to it and ``--ignore``
removes rules from it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path, PurePosixPath

from kcodegen.errors import BadInput

TABLE = "[tool.kcg.lint]"
EVERYTHING = ""  # the selector every code starts with


@dataclass(frozen=True)
class Glob:
    """A path pattern: ``*``, ``?``, ``[...]`` within a name, ``**`` across folders.

    A pattern without ``/`` matches any file or folder of that name (``migrations``, ``*_test.py``);
    one with ``/`` matches a path from the configuration's folder (``src/legacy``, ``tests/**/*.py``).
    A pattern that matches a folder matches everything in it.
    """

    pattern: str

    @cached_property
    def _clean(self) -> str:
        return self.pattern.strip().removeprefix("./").rstrip("/")

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return _compile_glob(self._clean)

    def matches(self, relative: PurePosixPath) -> bool:
        """Whether the pattern matches the path or one of the folders it is in."""
        if "/" not in self._clean:
            return any(self._regex.fullmatch(part) for part in relative.parts)
        parts = relative.parts
        return any(self._regex.fullmatch("/".join(parts[:end])) for end in range(1, len(parts) + 1))

    def matches_entry(self, relative: PurePosixPath) -> bool:
        """Whether the pattern matches this very file or folder (a walk never enters the others)."""
        subject = relative.as_posix() if "/" in self._clean else relative.name
        return self._regex.fullmatch(subject) is not None


def _compile_glob(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


@dataclass(frozen=True)
class LintConfig:
    """One ``[tool.kcg.lint]`` table (or none: ``origin`` is None and nothing is configured)."""

    root: Path  # the folder globs are relative to
    origin: str | None = None  # the file it was read from, for messages
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[Glob, tuple[str, ...]], ...] = ()
    exclude: tuple[Glob, ...] = ()

    def relative(self, path: Path) -> PurePosixPath:
        """``path`` from the configuration's folder; outside it, its parts from the top."""
        try:
            return PurePosixPath(path.relative_to(self.root).as_posix())
        except ValueError:
            return PurePosixPath(*path.parts[1:])

    def excludes_entry(self, path: Path) -> bool:
        relative = self.relative(path)
        return any(glob.matches_entry(relative) for glob in self.exclude)

    def excludes_path(self, path: Path) -> bool:
        relative = self.relative(path)
        return any(glob.matches(relative) for glob in self.exclude)

    def ignored_for(self, path: Path) -> tuple[str, ...]:
        relative = self.relative(path)
        return tuple(
            code
            for glob, codes in self.per_file_ignores
            if glob.matches(relative)
            for code in codes
        )


@dataclass(frozen=True)
class Selection:
    """``--select`` (None: as configured), ``--extend-select`` and ``--ignore`` from the command line."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()


def parse_codes(text: str) -> tuple[str, ...]:
    """``"KCG1, kcg201"`` -> ``("KCG1", "KCG201")``."""
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


def check_selectors(selectors: Iterable[str], known: Collection[str], where: str) -> None:
    for selector in selectors:
        if not selector or not any(code.startswith(selector) for code in known):
            raise BadInput(f"{where}: unknown rule code or prefix {selector!r}")


def choose(known: Iterable[str], select: Iterable[str], ignore: Iterable[str]) -> frozenset[str]:
    """The codes ``select`` reaches and ``ignore`` does not reach more specifically."""
    select, ignore = tuple(select), tuple(ignore)

    def reach(selectors: tuple[str, ...], code: str) -> int:
        return max((len(s) for s in selectors if code.startswith(s)), default=-1)

    return frozenset(code for code in known if reach(select, code) > reach(ignore, code))


@dataclass(frozen=True)
class RuleChooser:
    """The enabled rule codes for a file, from its configuration and the command line."""

    known: frozenset[str]
    defaults: frozenset[str]  # the codes that run when nothing selects others
    cli: Selection = field(default_factory=Selection)

    def enabled(self, config: LintConfig, path: Path | None) -> frozenset[str]:
        codes = self._base(config)
        if path is not None and config.per_file_ignores:
            codes -= choose(codes, config.ignored_for(path), ())
        return codes

    def _base(self, config: LintConfig) -> frozenset[str]:
        extend = self.cli.extend_select
        if self.cli.select is not None:
            return choose(self.known, (*self.cli.select, *extend), self.cli.ignore)
        extend = (*config.extend_select, *extend)
        if config.select is not None:
            configured = choose(self.known, (*config.select, *extend), config.ignore)
        else:
            configured = choose(self.defaults, (EVERYTHING,), config.ignore)
            configured |= choose(self.known, extend, config.ignore)
        return configured - choose(configured, self.cli.ignore, ())


def read_config(path: Path, required: bool = False) -> LintConfig | None:
    """The ``[tool.kcg.lint]`` table of a TOML file; None when it has none (an error if required)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadInput(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadInput(
            f"{_where_in_toml(path, error)}: invalid TOML: {_toml_reason(error)}"
        ) from None
    table = document.get("tool", {}).get("kcg", {}).get("lint")
    if table is None:
        if required:
            raise BadInput(f"{path}: no {TABLE} table")
        return None
    if not isinstance(table, dict):
        raise BadInput(f"{path}: {TABLE} must be a table")
    return _config_from_table(path, table)


def _toml_reason(error: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(error))


def _where_in_toml(path: Path, error: tomllib.TOMLDecodeError) -> str:
    found = re.search(r"\(at line (\d+), column (\d+)\)$", str(error))
    return f"{path}:{found[1]}:{found[2]}" if found else str(path)


KEYS = ("select", "extend-select", "ignore", "per-file-ignores", "exclude")


def _config_from_table(path: Path, table: dict[str, object]) -> LintConfig:
    def where(key: str) -> str:
        return f"{path}: {TABLE} {key}"

    for key in table:
        if key not in KEYS:
            raise BadInput(f"{where(key)}: unknown key; expected one of {', '.join(KEYS)}")
    select = table.get("select")
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise BadInput(f"{where('per-file-ignores')}: expected a table of glob = [codes]")
    return LintConfig(
        root=path.resolve().parent,
        origin=str(path),
        select=None if select is None else _codes(select, where("select")),
        extend_select=_codes(table.get("extend-select", []), where("extend-select")),
        ignore=_codes(table.get("ignore", []), where("ignore")),
        per_file_ignores=tuple(
            (Glob(glob), _codes(codes, where(f"per-file-ignores {glob!r}")))
            for glob, codes in per_file.items()
        ),
        exclude=tuple(map(Glob, _strings(table.get("exclude", []), where("exclude"), "globs"))),
    )


def _strings(value: object, where: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadInput(f"{where}: expected a list of {what}")
    return tuple(value)


def _codes(value: object, where: str) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in _strings(value, where, "rule codes"))
    if not all(codes):
        raise BadInput(f"{where}: empty rule code")
    return codes


class ConfigFinder:
    """Finds, reads once and remembers the configuration of each folder."""

    def __init__(self, explicit: Path | None = None) -> None:
        self._explicit = None if explicit is None else read_config(explicit, required=True)
        self._read = cache(read_config)
        self._by_folder: dict[Path, LintConfig] = {}

    def for_folder(self, folder: Path) -> LintConfig:
        if self._explicit is not None:
            return self._explicit
        folder = Path(os.path.abspath(folder))
        if folder not in self._by_folder:
            pyproject = folder / "pyproject.toml"
            found = self._read(pyproject) if pyproject.is_file() else None
            if found is None:
                found = (
                    self.for_folder(folder.parent)
                    if folder.parent != folder
                    else LintConfig(root=Path.cwd())
                )
            self._by_folder[folder] = found
        return self._by_folder[folder]

    def all_found(self) -> list[LintConfig]:
        configs = {id(c): c for c in self._by_folder.values()}
        if self._explicit is not None:
            configs[id(self._explicit)] = self._explicit
        return list(configs.values())
