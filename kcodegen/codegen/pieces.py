"""Generated code enters the module's libcst tree as one placeholder statement per piece, and its
text replaces the placeholder's line after the tree is written out.

Parsing generated code with libcst only to write it out again costs as much as parsing the user's
file: for a 10,000-layer model, seconds. A piece of plain code (no comments, no backslashes, no
triple-quoted strings) comes out of that round trip as it went in, indented as its block is, so it
is kept as text. Any other piece is parsed as before, and its comments are handled node by node.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst

# What a block holds; unlike cst.BaseStatement, both have leading_lines.
Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement

_BLANK_LINES = re.compile(r"(?:[ \t\f]*\n)*")


class Pieces:
    """The generated code of one rewrite: parsed statements, or placeholders for plain text."""

    def __init__(self, source: str) -> None:
        self.prefix = "__kcg_piece_"
        while self.prefix in source:
            self.prefix += "_"
        self._texts: list[str] = []

    def statements(self, code: str, said: set[str]) -> list[Statement]:
        """``code`` as statements for a block; comments whose text is in ``said`` (the block's own,
        kept above it) are not repeated."""
        if "#" in code or "\\" in code or "'''" in code or '"""' in code:
            return _without_comments(parse_statements(code), said)
        blank = _BLANK_LINES.match(code)
        assert blank is not None
        head, lines = code[: blank.end()], code[blank.end() :].split("\n")
        while lines and not lines[-1].strip():
            lines.pop()  # blank lines after the last statement: libcst's footer, dropped
        if not lines:
            return []
        leading = [
            cst.EmptyLine(whitespace=cst.SimpleWhitespace(line)) for line in head.splitlines()
        ]
        name = f"{self.prefix}{len(self._texts)}"
        self._texts.append("\n".join(lines))
        return [cst.SimpleStatementLine([cst.Expr(cst.Name(name))], leading_lines=leading)]

    def texts(self) -> list[str]:
        return list(self._texts)

    def fill(self, code: str, newline: str) -> str:
        """The written-out module with each placeholder line replaced by its text, indented as the
        placeholder is (blank lines too, as libcst indents them)."""
        if not self._texts:
            return code
        line = re.compile(rf"^([ \t]*){re.escape(self.prefix)}(\d+)(\r\n|\r|\n)?", re.MULTILINE)

        def text_of(match: re.Match[str]) -> str:
            indent, text, end = match.group(1), self._texts[int(match.group(2))], match.group(3)
            lines = [indent + part for part in text.split("\n")]
            return newline.join(lines) + (newline if end else "")  # the file's last line: as it was

        return line.sub(text_of, code)


def parse_statements(code: str) -> list[Statement]:
    """Generated code must parse: every output is checked by libcst before it is used."""
    module = cst.parse_module(code)
    statements = list(module.body)
    if (
        module.header and statements
    ):  # libcst files comments above the first statement as the header
        statements[0] = statements[0].with_changes(
            leading_lines=[*module.header, *statements[0].leading_lines]
        )
    return statements


def _without_comments(statements: Sequence[Statement], said: set[str]) -> list[Statement]:
    """The block keeps the comments above its first statement; generated lines must not repeat them."""
    remover = _RemoveComments(set(said))
    return [statement.visit(remover) for statement in statements]  # type: ignore[misc]


class _RemoveComments(cst.CSTTransformer):
    def __init__(self, texts: set[str]) -> None:
        self.texts = texts

    def leave_EmptyLine(
        self, original: cst.EmptyLine, updated: cst.EmptyLine
    ) -> cst.EmptyLine | cst.RemovalSentinel:
        if updated.comment is not None and updated.comment.value in self.texts:
            self.texts.discard(updated.comment.value)
            return cst.RemoveFromParent()
        return updated
