"""What a lint rule is: a class with a code, triggers, a check, and its own VALID/INVALID cases.

A rule's docstring has four parts — what it finds, why it matters, an example, what to use instead —
and ``docs/rules.md`` is generated from it. Its ``VALID`` and ``INVALID`` cases are its tests.

Rules are cheap to skip: the runner only builds what a rule ``needs`` (the text, the libcst tree,
or the IR of the file's models) and only when one of its ``triggers`` occurs in the source.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodeRange

    from kcodegen.frontend import ParsedModule

# "text": the source and the stdlib ``ast`` tree (``ctx.tree``, a fast C parser); "cst": the libcst
# tree and positions; "models": the IR of the file's models (interpreting the module; the slowest).
Needs = Literal["text", "cst", "models"]
# Where Python ends a line: after \n, \r\n or a lone \r.
_LINE_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
# What str.splitlines() splits at besides \n and \r.
_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` (character offsets) by ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    """One violation. Lines are 1-based, columns 0-based (printed 1-based, as ruff does)."""

    code: str
    message: str
    line: int
    col: int
    end_line: int
    end_col: int
    fix: Fix | None = None


@dataclass(frozen=True)
class Invalid:
    """A case the rule must flag: the code, the line it must point at, the fixed code if fixable."""

    code: str
    line: int
    fixed: str | None = None


class LintContext:
    """One file as rules see it; the tree, positions and models are built once, on first use."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source

    @cached_property
    def lines(self) -> list[str]:
        """Lines with their ends, split as Python splits them (str.splitlines also splits at
        form feeds and other separators, which would shift every position after them)."""
        if not _OTHER_BREAKS.search(self.source):
            return self.source.splitlines(keepends=True)  # the same lines, many times faster
        return [line for line in _LINE_BREAK.split(self.source) if line]

    @cached_property
    def line_offsets(self) -> list[int]:
        """Character offset at which each line starts (index 0 is line 1)."""
        offsets, total = [], 0
        for line in self.lines:
            offsets.append(total)
            total += len(line)
        offsets.append(total)
        return offsets

    def offset(self, line: int, col: int) -> int:
        return self.line_offsets[line - 1] + col

    def char_col(self, line: int, byte_col: int) -> int:
        """The character column of ``ast``'s UTF-8 byte column ``byte_col`` on ``line``."""
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode()[:byte_col].decode(errors="ignore"))

    @cached_property
    def tree(self) -> ast.Module:
        """The stdlib ``ast`` of the file: many times faster to build than the libcst tree."""
        from kcodegen.frontend.errors import FrontendError

        try:
            return ast.parse(self.source)
        except SyntaxError as error:
            raise FrontendError(
                f"syntax error: {error.msg}", error.lineno or 0, error.offset or 0
            ) from None
        except ValueError as error:  # NUL bytes
            raise FrontendError(f"syntax error: {error}") from None

    @cached_property
    def wrapper(self) -> cst.MetadataWrapper:
        import libcst as cst

        from kcodegen.frontend import parse_module

        return cst.MetadataWrapper(parse_module(self.source), unsafe_skip_copy=True)

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    @cached_property
    def positions(self) -> dict[cst.CSTNode, CodeRange]:
        from libcst.metadata import PositionProvider

        return dict(self.wrapper.resolve(PositionProvider))

    @cached_property
    def parsed(self) -> ParsedModule:
        """The file's models, read from the part of it that can build one (``model_source``)."""
        from kcodegen.frontend import parse_models
        from kcodegen.lint.model_source import model_source

        return parse_models(model_source(self.tree, self.lines))


class Rule:
    """Subclass per rule: set the class attributes, write ``check``, list the cases."""

    code: ClassVar[str]  # "KCG101"
    name: ClassVar[str]  # "single-chain-functional", kebab-case, unique
    message: ClassVar[str]  # one line; the default message of a finding
    needs: ClassVar[Needs] = "cst"
    # On without ``select``: rules whose findings are real problems (bugs, removed or changed
    # Keras 3 APIs, private imports). A rule about taste is off until selected.
    default: ClassVar[bool] = True
    triggers: ClassVar[tuple[str, ...]] = ()  # the rule runs only when one of these occurs
    fixable: ClassVar[bool] = False
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        raise NotImplementedError

    def applies_to(self, source: str) -> bool:
        return not self.triggers or any(trigger in source for trigger in self.triggers)

    def at_node(
        self,
        ctx: LintContext,
        node: cst.CSTNode,
        message: str | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        where = ctx.positions[node]
        return Finding(
            self.code,
            message or self.message,
            where.start.line,
            where.start.column,
            where.end.line,
            where.end.column,
            fix,
        )

    def at_line(
        self, line: int, col: int = 0, message: str | None = None, fix: Fix | None = None
    ) -> Finding:
        return Finding(self.code, message or self.message, line, col, line, col, fix)
