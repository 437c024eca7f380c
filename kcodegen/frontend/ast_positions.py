"""Positions and text of libcst expressions read from the stdlib ``ast`` of the same source.

libcst computes a node's position by generating the code of its whole statement, and a 10,000-layer
``keras.Sequential([...])`` is one statement: asking where one ``layers.Dense(8)`` is costs as much
as writing the model out. The stdlib parser records every expression's start and end in C. Pairing
a statement's libcst nodes with its ``ast`` nodes, field by field, gives libcst's position of each
paired expression, its text (a slice of the source) and the names it reads, for a walk of the
expressions only. Nodes that cannot be paired exactly (statements, parameters, the parts of an
f-string) are left to libcst.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Sequence
from keyword import iskeyword
from typing import Any

import libcst as cst
from libcst.metadata import CodePosition, CodeRange

from kcodegen.frontend.python_ast import same_statements

_Pair = tuple[cst.CSTNode, ast.expr]
# libcst node, its ast node, and, inside an indented block, the line of the statement holding it:
# that line's indentation is the block's, which libcst keeps apart from continuation lines
# (``code_for_node`` writes them without it). None at the top level.
Paired = tuple[cst.CSTNode, ast.expr, int | None]
_Statement = tuple[cst.CSTNode, Sequence[ast.stmt], int | None]  # the same for a statement

_LINE_BREAK = re.compile("\r\n|\r|\n")
# A number is matched whole (``1e5``, ``0x1F``, ``.5j``) so that no part of it reads as a word,
# and only the number (``1.0.real`` reads ``real``).
_WORD_OR_NUMBER = re.compile(
    r"0[xXoObB][\w]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d[\d_]*)?[jJ]?|([^\W\d]\w*)"
)
_NAMED_CONSTANTS = frozenset({"None", "True", "False"})  # libcst Names, ast Constants


class SourceText:
    """The source's lines, and a libcst position or text for an ``ast`` node's span."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._ascii = source.isascii()  # then ast's byte columns are libcst's character columns
        # Python's line breaks only: ``str.splitlines`` also breaks at form feeds and the like.
        self._starts = [0, *(match.end() for match in _LINE_BREAK.finditer(source))]

    def range(self, node: cst.CSTNode, tree: ast.expr) -> CodeRange | None:
        """libcst's syntactic range of ``node``: ``tree``'s span, inside a tuple's parentheses."""
        end_line = tree.end_lineno or tree.lineno
        start = CodePosition(tree.lineno, self._column(tree.lineno, tree.col_offset))
        end = CodePosition(end_line, self._column(end_line, tree.end_col_offset or 0))
        if isinstance(node, cst.Tuple) and node.lpar:
            opening, closing = _code(node.lpar[-1]), _code(node.rpar[0])
            if opening is None or closing is None:
                return None
            start = CodePosition(start.line, start.column + len(opening))
            end = CodePosition(end.line, end.column - len(closing))
        return CodeRange(start, end)

    def text(self, node: cst.CSTNode, tree: ast.expr, block_line: int | None) -> str | None:
        """``code_for_node(node)``, where the source holds it as written, without carriage
        returns (libcst writes its own newline): the span, its continuation lines without the
        indentation of the block it is in (``block_line`` is the line of its statement)."""
        text: str | None = self._span(tree)
        if block_line is not None and tree.lineno != tree.end_lineno:
            text = self._without_block_indent(text, tree, block_line)  # type: ignore[arg-type]
        if text is None or "\r" in text:
            return None
        lpar: Sequence[cst.LeftParen] = getattr(node, "lpar", ())
        if not lpar:
            return text
        rpar: Sequence[cst.RightParen] = getattr(node, "rpar", ())
        if isinstance(node, cst.Tuple):  # the span holds the innermost parentheses
            lpar, rpar = lpar[:-1], rpar[1:]
        opening = [_code(paren) for paren in lpar]
        closing = [_code(paren) for paren in rpar]
        if None in opening or None in closing:
            return None
        return "".join(opening) + text + "".join(closing)  # type: ignore[arg-type]

    def line_count(self) -> int:
        """Lines that end with a line break, and a last one that does not, if any."""
        return len(self._starts) - (self._starts[-1] == len(self.source))

    def lines(self, first: int, end: int) -> str:
        """The source from the start of line ``first`` to the start of line ``end``."""
        stop = self._starts[end - 1] if end - 1 < len(self._starts) else len(self.source)
        return self.source[self._starts[first - 1] : stop]

    def _without_block_indent(self, text: str, tree: ast.expr, block_line: int) -> str | None:
        """A multi-line span as libcst writes it alone: its parser takes the block's indentation
        off each line inside brackets that starts with it. None where a line break is not such a
        line's (a backslash's, a string's)."""
        line = self.source[self._starts[block_line - 1] : self._starts[block_line]]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if not indent or "\f" in line or "\f" in text:  # a form feed resets indentation
            return None
        if "\\\n" in text or (("'" in text or '"' in text) and _multiline_string(tree)):
            return None
        lines = text.split("\n")
        kept = [part[len(indent) :] if part.startswith(indent) else part for part in lines[1:]]
        return "\n".join([lines[0], *kept])

    def names(self, tree: ast.expr) -> frozenset[str]:
        """What libcst's ``Name`` nodes under the expression spell: its words that are neither
        keywords nor parts of numbers, where it has no string or comment to hold other words."""
        text = self._span(tree)
        if any(mark in text for mark in "'\"#"):
            return _names_walked(tree)
        return frozenset(
            word
            for word in _WORD_OR_NUMBER.findall(text)
            if word and (word in _NAMED_CONSTANTS or not iskeyword(word))
        )

    def _span(self, tree: ast.expr) -> str:
        start = self._offset(tree.lineno, tree.col_offset)
        return self.source[start : self._offset(tree.end_lineno or 0, tree.end_col_offset or 0)]

    def _offset(self, line: int, byte: int) -> int:
        return self._starts[line - 1] + self._column(line, byte)

    def _column(self, line: int, byte: int) -> int:
        """ast counts a column in UTF-8 bytes, libcst in characters."""
        start = self._starts[line - 1]
        if self._ascii or self.source[start : start + byte].isascii():
            return byte
        end = self._starts[line] if line < len(self._starts) else len(self.source)
        return len(self.source[start:end].encode("utf-8")[:byte].decode("utf-8", errors="ignore"))


def _multiline_string(tree: ast.expr) -> bool:
    """A string of the expression spans lines (its line breaks are its own)."""
    return any(
        isinstance(node, ast.Constant | ast.JoinedStr) and node.lineno != node.end_lineno
        for node in ast.walk(tree)
    )


def _code(paren: cst.LeftParen | cst.RightParen) -> str | None:
    """A parenthesis with the whitespace it holds, when that is on its line."""
    if isinstance(paren, cst.LeftParen):
        space = paren.whitespace_after
        return "(" + space.value if isinstance(space, cst.SimpleWhitespace) else None
    space = paren.whitespace_before
    return space.value + ")" if isinstance(space, cst.SimpleWhitespace) else None


def pair_statement(statement: cst.BaseStatement, trees: list[ast.stmt]) -> Iterator[Paired]:
    """Every expression of a top-level statement paired with its ``ast`` node (``trees``: the
    statement's ``ast`` statements), without recursion."""
    statements: list[_Statement] = [(statement, trees, None)]
    expressions: list[Paired] = []
    while statements or expressions:
        if not expressions:
            _statement_pairs(*statements.pop(), statements, expressions)
            continue
        node, tree, block_line = expressions.pop()
        kind = type(node)
        if kind is cst.Name and node.value in _NAMED_CONSTANTS:  # type: ignore[attr-defined]
            kind = cst.Ellipsis  # an ast Constant
        if not isinstance(tree, _KINDS.get(kind, ())):
            continue
        yield node, tree, block_line
        children = _CHILDREN.get(kind)
        if children is not None:
            expressions.extend((c, t, block_line) for c, t in children(node, tree))


def _names_walked(tree: ast.AST) -> frozenset[str]:
    """What libcst's ``Name`` nodes under an expression spell (``ast``'s names, attributes,
    keywords and parameters, and the named constants)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, (ast.keyword, ast.arg)) and node.arg is not None:
            found.add(node.arg)
        elif isinstance(node, ast.Constant) and (
            node.value is None or node.value is True or node.value is False
        ):
            found.add(repr(node.value))
    return frozenset(found)


_KINDS: dict[type[cst.CSTNode], type[ast.AST] | tuple[type[ast.AST], ...]] = {
    cst.Name: ast.Name,
    cst.Integer: ast.Constant,
    cst.Float: ast.Constant,
    cst.Imaginary: ast.Constant,
    cst.SimpleString: ast.Constant,
    cst.Ellipsis: ast.Constant,
    cst.ConcatenatedString: (ast.Constant, ast.JoinedStr),
    cst.FormattedString: ast.JoinedStr,
    cst.Attribute: ast.Attribute,
    cst.Call: ast.Call,
    cst.Subscript: ast.Subscript,
    cst.BinaryOperation: ast.BinOp,
    cst.UnaryOperation: ast.UnaryOp,
    cst.BooleanOperation: ast.BoolOp,
    cst.Comparison: ast.Compare,
    cst.IfExp: ast.IfExp,
    cst.List: ast.List,
    cst.Tuple: ast.Tuple,
    cst.Set: ast.Set,
    cst.Dict: ast.Dict,
    cst.ListComp: ast.ListComp,
    cst.SetComp: ast.SetComp,
    cst.DictComp: ast.DictComp,
    cst.Lambda: ast.Lambda,
    cst.NamedExpr: ast.NamedExpr,
    cst.Await: ast.Await,
}


def _call(node: cst.Call, tree: ast.Call) -> list[_Pair]:
    """ast keeps positional and keyword arguments apart, each in the order written."""
    pairs: list[_Pair] = [(node.func, tree.func)]
    positional = [a for a in node.args if a.keyword is None and a.star != "**"]
    keywords = [a for a in node.args if a.keyword is not None or a.star == "**"]
    if len(positional) != len(tree.args) or len(keywords) != len(tree.keywords):
        return pairs
    for arg, value in zip(positional, tree.args, strict=True):
        if (arg.star == "*") == isinstance(value, ast.Starred):
            pairs.append((arg.value, value.value if isinstance(value, ast.Starred) else value))
    for arg, keyword in zip(keywords, tree.keywords, strict=True):
        if (arg.keyword is None) == (keyword.arg is None):
            pairs.append((arg.value, keyword.value))
    return pairs


def _subscript(node: cst.Subscript, tree: ast.Subscript) -> list[_Pair]:
    pairs: list[_Pair] = [(node.value, tree.value)]
    elements = node.slice
    indexes = [
        e.slice.value for e in elements if isinstance(e.slice, cst.Index) and not e.slice.star
    ]
    if len(indexes) != len(elements):
        return pairs
    if len(indexes) == 1 and elements[0].comma == cst.MaybeSentinel.DEFAULT:
        pairs.append((indexes[0], tree.slice))
    elif isinstance(tree.slice, ast.Tuple) and len(tree.slice.elts) == len(indexes):
        pairs += zip(indexes, tree.slice.elts, strict=True)
    return pairs


def _boolean(node: cst.BooleanOperation, tree: ast.BoolOp) -> list[_Pair]:
    if len(tree.values) != 2:  # ast flattens ``a and b and c``; libcst nests it
        return []
    return [(node.left, tree.values[0]), (node.right, tree.values[1])]


def _comparison(node: cst.Comparison, tree: ast.Compare) -> list[_Pair]:
    pairs: list[_Pair] = [(node.left, tree.left)]
    if len(node.comparisons) == len(tree.comparators):
        pairs += zip([c.comparator for c in node.comparisons], tree.comparators, strict=True)
    return pairs


def _elements(node: cst.List | cst.Tuple | cst.Set, tree: ast.List) -> list[_Pair]:
    if len(node.elements) != len(tree.elts):
        return []
    return [
        (element.value, value.value if isinstance(value, ast.Starred) else value)
        for element, value in zip(node.elements, tree.elts, strict=True)
        if isinstance(element, cst.StarredElement) == isinstance(value, ast.Starred)
    ]


def _dict(node: cst.Dict, tree: ast.Dict) -> list[_Pair]:
    if len(node.elements) != len(tree.values):
        return []
    pairs: list[_Pair] = []
    for element, key, value in zip(node.elements, tree.keys, tree.values, strict=True):
        if isinstance(element, cst.DictElement) and key is not None:
            pairs += [(element.key, key), (element.value, value)]
        elif isinstance(element, cst.StarredDictElement) and key is None:
            pairs.append((element.value, value))
    return pairs


# The pairs directly under a paired expression, by its libcst type.
_CHILDREN: dict[type[cst.CSTNode], Callable[[Any, Any], list[_Pair]]] = {
    cst.Attribute: lambda node, tree: [(node.value, tree.value)],
    cst.Call: _call,
    cst.Subscript: _subscript,
    cst.BinaryOperation: lambda node, tree: [(node.left, tree.left), (node.right, tree.right)],
    cst.UnaryOperation: lambda node, tree: [(node.expression, tree.operand)],
    cst.BooleanOperation: _boolean,
    cst.Comparison: _comparison,
    cst.IfExp: lambda node, tree: [
        (node.test, tree.test),
        (node.body, tree.body),
        (node.orelse, tree.orelse),
    ],
    cst.List: _elements,
    cst.Tuple: _elements,
    cst.Set: _elements,
    cst.Dict: _dict,
    cst.NamedExpr: lambda node, tree: [(node.target, tree.target), (node.value, tree.value)],
    cst.Await: lambda node, tree: [(node.expression, tree.value)],
}


def _small_statement(node: cst.BaseSmallStatement, tree: ast.stmt) -> Iterator[_Pair]:
    if isinstance(node, cst.Assign) and isinstance(tree, ast.Assign):
        if len(node.targets) == len(tree.targets):
            for target, target_tree in zip(node.targets, tree.targets, strict=True):
                yield target.target, target_tree
        yield node.value, tree.value
    elif isinstance(node, cst.AnnAssign) and isinstance(tree, ast.AnnAssign):
        yield node.target, tree.target
        yield node.annotation.annotation, tree.annotation
        yield from _both(node.value, tree.value)
    elif isinstance(node, cst.AugAssign) and isinstance(tree, ast.AugAssign):
        yield node.target, tree.target
        yield node.value, tree.value
    elif isinstance(node, cst.Expr) and isinstance(tree, ast.Expr):
        yield node.value, tree.value
    elif isinstance(node, cst.Return) and isinstance(tree, ast.Return):
        yield from _both(node.value, tree.value)


def _both(node: cst.BaseExpression | None, tree: ast.expr | None) -> Iterator[_Pair]:
    """The pair, where there is one (``return`` alone, ``x: int`` without a value)."""
    if node is not None and tree is not None:
        yield node, tree


def _statement_pairs(
    statement: cst.CSTNode,
    trees: Sequence[ast.stmt],
    block_line: int | None,
    statements: list[_Statement],
    expressions: list[Paired],
) -> None:
    """Push a statement's expressions (its small statements' or its header's) and, for a compound
    statement, the statements of its bodies."""
    if isinstance(statement, cst.SimpleStatementLine):
        if len(statement.body) == len(trees):
            for small, tree in zip(statement.body, trees, strict=True):
                expressions.extend((n, t, block_line) for n, t in _small_statement(small, tree))
        return
    if len(trees) != 1:
        return
    headers, bodies, elif_ = _compound(statement, trees[0])
    expressions.extend((node, tree, block_line) for node, tree in headers)
    if elif_ is not None:
        statements.append((*elif_, block_line))
    for suite, body in bodies:
        if isinstance(suite, cst.SimpleStatementSuite):  # on the header's line
            if len(suite.body) == len(body):
                for small, tree in zip(suite.body, body, strict=True):
                    expressions.extend((n, t, block_line) for n, t in _small_statement(small, tree))
            continue
        block = suite.body if isinstance(suite, cst.IndentedBlock) else []
        groups = same_statements(block, body) or []
        statements.extend((s, g, g[0].lineno) for s, g in zip(block, groups, strict=False) if g)


def _compound(
    statement: cst.CSTNode, tree: ast.stmt
) -> tuple[
    list[_Pair], list[tuple[cst.BaseSuite, list[ast.stmt]]], tuple[cst.If, list[ast.stmt]] | None
]:
    """A compound statement's header expressions, its bodies, and an ``elif`` that follows it."""
    headers: list[_Pair] = []
    bodies: list[tuple[cst.BaseSuite, list[ast.stmt]]] = []
    elif_ = None
    if isinstance(statement, cst.FunctionDef) and isinstance(
        tree, (ast.FunctionDef, ast.AsyncFunctionDef)
    ):
        if len(statement.decorators) == len(tree.decorator_list):
            decorators = [d.decorator for d in statement.decorators]
            headers += zip(decorators, tree.decorator_list, strict=True)
        bodies.append((statement.body, tree.body))
    elif isinstance(statement, cst.ClassDef) and isinstance(tree, ast.ClassDef):
        if len(statement.decorators) == len(tree.decorator_list):
            decorators = [d.decorator for d in statement.decorators]
            headers += zip(decorators, tree.decorator_list, strict=True)
        bases = [arg for arg in statement.bases if not arg.star]
        keywords = [arg for arg in statement.keywords if arg.keyword is not None]
        if len(bases) == len(tree.bases) == len(statement.bases):
            headers += zip([arg.value for arg in bases], tree.bases, strict=True)
        if len(keywords) == len(tree.keywords) == len(statement.keywords):
            headers += zip(
                [arg.value for arg in keywords], [k.value for k in tree.keywords], strict=True
            )
        bodies.append((statement.body, tree.body))
    elif isinstance(statement, (cst.If, cst.While)) and isinstance(tree, (ast.If, ast.While)):
        headers.append((statement.test, tree.test))
        bodies.append((statement.body, tree.body))
        if isinstance(statement.orelse, cst.If):  # elif: the ast's one ``orelse`` statement
            elif_ = (statement.orelse, tree.orelse)
        elif statement.orelse is not None:
            bodies.append((statement.orelse.body, tree.orelse))
    elif isinstance(statement, cst.For) and isinstance(tree, (ast.For, ast.AsyncFor)):
        headers += [(statement.target, tree.target), (statement.iter, tree.iter)]
        bodies.append((statement.body, tree.body))
        if statement.orelse is not None:
            bodies.append((statement.orelse.body, tree.orelse))
    elif isinstance(statement, cst.With) and isinstance(tree, (ast.With, ast.AsyncWith)):
        if len(statement.items) == len(tree.items):
            for item, item_tree in zip(statement.items, tree.items, strict=True):
                headers.append((item.item, item_tree.context_expr))
                if item.asname is not None and item_tree.optional_vars is not None:
                    headers.append((item.asname.name, item_tree.optional_vars))
        bodies.append((statement.body, tree.body))
    elif isinstance(statement, cst.Try) and isinstance(tree, ast.Try):
        bodies.append((statement.body, tree.body))
    return headers, bodies, elif_
