"""Line and column of a module's nodes, computed one top-level statement at a time, when asked.

Expressions come from the stdlib ``ast`` first (``ast_positions``): pairing a statement's nodes with
its ``ast`` nodes costs a fraction of generating its code. The nodes that cannot be paired
(statements, parameters, the parts of an f-string) come from libcst's code generation, as follows.

libcst computes positions by generating the code of the whole module while recording where every
node starts and ends: several times the cost of parsing. The interpreter asks for the positions of
the few nodes it reports on, mostly in the statement it is running, so each top-level statement's
positions are computed alone, on first need, and shifted to the statement's line, which the
stdlib ``ast`` gives cheaply. Columns need no shifting: a top-level statement starts a line.

The positions are libcst's ``PositionProvider``'s, node for node, but code generation only notes
which tokens each node spans; a line and column are made for the nodes asked about. libcst's own
provider splits every token on newlines and builds two positions per node as it goes, which costs
several times the code generation itself. The same tokens give a node's text (what
``code_for_node`` would generate) and the names an expression reads, without a pass of their own.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
from collections.abc import Iterator
from keyword import iskeyword
from types import TracebackType

import libcst as cst
from libcst._nodes.internal import CodegenState  # what libcst's own providers extend
from libcst.metadata import CodePosition, CodeRange

from kcodegen.frontend.ast_positions import Paired, SourceText, pair_statement
from kcodegen.frontend.python_ast import parsed, same_statements


class LazyPositions:
    """``positions[node]``: the node's ``CodeRange``, as libcst's ``PositionProvider`` gives it."""

    def __init__(self, module: cst.Module, source: str) -> None:
        self.module = module
        self.near = 0  # the top-level statement being run: searched first
        self._source: str | None = source
        # By ``id``: hashing a libcst node calls Python code, a cost on every node generated.
        # Each span holds its node, so no id is reused while it is a key.
        self._spans: dict[int, _Span] = {}
        self._generated: dict[int, _Span] = {}  # all a node generates, whitespace included
        self._pending = set(range(len(module.body)))
        self._groups: list[list[ast.stmt]] | None = None  # each top-level statement's ast
        self._paired: dict[int, Paired] = {}  # by ``id``, as spans; each holds its node
        self._unpaired = set(range(len(module.body)))
        self._source_text = SourceText(source)
        self._top_level = {id(statement): index for index, statement in enumerate(module.body)}

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._spans.get(id(node))
        if found is None and (paired := self._pairing(node)) is not None:
            where = self._source_text.range(node, paired[1])
            if where is not None:
                return where
        if found is None:
            for index in self._search_order(self._pending):
                self._compute(index)
                found = self._spans.get(id(node))
                if found is not None:
                    break
            else:
                raise KeyError(node)
        start, end, tokens, _ = found
        return CodeRange(tokens.position(start), tokens.position(end))

    def text(self, node: cst.CSTNode) -> str | None:
        """``module.code_for_node(node)`` from the tokens already generated, when the node is in
        the statement being run (or one done before); else None."""
        paired = self._pairing(node)
        if paired is not None:
            return self._source_text.text(node, paired[1], paired[2])
        if id(node) in self._top_level:
            return self._statement_text(self._top_level[id(node)])
        found = self._generated_span(node)
        if found is None:
            return None
        start, end, tokens, _ = found
        if tokens.indented_within(start, end):
            return None  # its lines have the indentation of its block; code_for_node's have not
        return "".join(tokens.tokens[start:end])

    def names(self, node: cst.CSTNode) -> frozenset[str] | None:
        """The values of the ``Name`` nodes of an expression, from its tokens (a ``Name`` is one
        token; the other identifier-like tokens are keywords), when they are at hand."""
        paired = self._pairing(node)
        if paired is not None:
            return self._source_text.names(paired[1])
        found = self._generated_span(node)
        if found is None:
            return None
        start, end, tokens, _ = found
        within = tokens.tokens[start:end]
        if any(_FSTRING_START.match(token) for token in within):
            return None  # the text of an f-string comes as tokens too
        return frozenset(
            token
            for token in within
            if token.isidentifier() and (token in _NAMED_CONSTANTS or not iskeyword(token))
        )

    def statement_trees(self) -> list[ast.stmt]:
        """The module's ``ast`` statements, where the stdlib reads it."""
        return [tree for group in self._statement_groups() or [] for tree in group]

    def _statement_text(self, index: int) -> str | None:
        """A top-level statement's text, from its leading lines to the next statement's: libcst
        writes each top-level statement as it read it, so a module is its header, its statements
        and its footer, end to end."""
        groups = self._statement_groups()
        if groups is None:
            return None
        body = self.module.body
        if index + 1 < len(body):
            end = self._first_line(index + 1, groups)
        else:
            end = self._source_text.line_count() + 1 - len(self.module.footer)
        text = self._source_text.lines(self._first_line(index, groups), end)
        if not text.endswith("\n") or "\r" in text or "\f" in text:
            return None  # libcst writes its own newline, and its own indentation after a form feed
        return text

    def _first_line(self, index: int, groups: list[list[ast.stmt]]) -> int:
        """The line a top-level statement's code starts on: its leading lines, then its first
        decorator (``ast`` gives a definition the line of its ``def``)."""
        tree = groups[index][0]
        decorators = getattr(tree, "decorator_list", [])
        first = min([tree.lineno, *(d.lineno for d in decorators)])
        return first - len(self.module.body[index].leading_lines)

    def _generated_span(self, node: cst.CSTNode) -> _Span | None:
        found = self._generated.get(id(node))
        near = min(self.near, len(self.module.body) - 1)
        if found is None and near in self._pending:
            self._compute(near)
            found = self._generated.get(id(node))
        return found

    def _pairing(self, node: cst.CSTNode) -> Paired | None:
        """The node's ``ast`` pair, pairing top-level statements in search order until found."""
        found = self._paired.get(id(node))
        if found is None and self._unpaired:
            groups = self._statement_groups()
            for index in self._search_order(self._unpaired):
                self._unpaired.discard(index)
                if groups is None:
                    self._unpaired.clear()
                    break
                for pair in pair_statement(self.module.body[index], groups[index]):
                    self._paired[id(pair[0])] = pair
                found = self._paired.get(id(node))
                if found is not None:
                    break
        return found

    def _search_order(self, pending: set[int]) -> Iterator[int]:
        """The statement being run, then those before it (where what it calls is defined), nearest
        first, then those after it."""
        near = min(self.near, len(self.module.body) - 1)
        before = range(near, -1, -1)
        after = range(near + 1, len(self.module.body))
        for index in itertools.chain(before, after):  # lazily: most searches end at `near`
            if index in pending:
                yield index

    def _compute(self, index: int) -> None:
        self._pending.discard(index)
        groups = self._statement_groups()
        if groups is None:  # the stdlib cannot parse what libcst could: do the whole module once
            _TokenSpans.generate(self.module, self._spans, self._generated, first_line=1)
            self._pending.clear()
            return
        statement = self.module.body[index]
        alone = self.module.with_changes(body=[statement], header=(), footer=())
        tokens = _TokenSpans.generate(alone, self._spans, self._generated, first_line=1)
        start = tokens.position(self._spans[id(statement)][0]).line
        tokens.first_line = groups[index][0].lineno - start + 1
        del self._spans[id(alone)], self._generated[id(alone)]

    def _statement_groups(self) -> list[list[ast.stmt]] | None:
        """Each top-level statement's ``ast`` statements (its line: the first's, a decorated
        definition's ``def``), or None where the stdlib reads the module otherwise."""
        if self._groups is None and self._source is not None:
            tree = parsed(self._source)
            self._groups = same_statements(self.module.body, tree.body) if tree else None
            self._source = None  # asked once
        return self._groups


class _Tokens:
    """The tokens of one code generation; a token index's line and column, worked out on first
    need for all tokens at once."""

    def __init__(self, tokens: list[str], first_line: int) -> None:
        self.tokens = tokens
        self.first_line = first_line  # the line the generated code starts on in the module
        self.indents: list[int] = []  # where the indentation of a block was added, in order
        self._where: list[tuple[int, int]] | None = None

    def indented_within(self, start: int, end: int) -> bool:
        at = bisect.bisect_left(self.indents, start)
        return at < len(self.indents) and self.indents[at] < end

    def position(self, index: int) -> CodePosition:
        if self._where is None:
            self._where = [(0, 0)]  # where each token starts (lines counted from 0), and the end
            line = column = 0
            for token in self.tokens:
                newlines = token.count("\n") + token.count("\r") - token.count("\r\n")
                if newlines:
                    line += newlines
                    column = len(token) - max(token.rfind("\n"), token.rfind("\r")) - 1
                else:
                    column += len(token)
                self._where.append((line, column))
        line, column = self._where[index]
        return CodePosition(self.first_line + line, column)


_FSTRING_START = re.compile("[A-Za-z]*(\"\"\"|'''|\"|')\\Z")  # f", rf''', ...
_NAMED_CONSTANTS = frozenset({"None", "True", "False"})  # keywords that libcst reads as names
# First token, token after the last, their code generation, and the node.
_Span = tuple[int, int, _Tokens, cst.CSTNode]


class _TokenSpans(CodegenState):
    """Code generation that notes the tokens each node spans, as libcst's provider notes positions:
    a node's syntactic span where it reports one, else all it generates, whitespace included."""

    def __init__(
        self,
        module: cst.Module,
        spans: dict[int, _Span],
        generated: dict[int, _Span],
        first_line: int,
    ) -> None:
        super().__init__(module.default_indent, module.default_newline)
        self.spans = spans
        self.whole = generated
        self.generated = _Tokens(self.tokens, first_line)
        self._starts: list[int] = []

    @classmethod
    def generate(
        cls,
        module: cst.Module,
        spans: dict[int, _Span],
        generated: dict[int, _Span],
        first_line: int,
    ) -> _Tokens:
        """Generate ``module``'s code, noting each node's syntactic span in ``spans`` and the
        span of all it generates in ``generated``."""
        state = cls(module, spans, generated, first_line)
        module._codegen(state)
        return state.generated

    def add_indent_tokens(self) -> None:
        if self.indent_tokens:
            self.generated.indents.append(len(self.tokens))
        super().add_indent_tokens()

    def pop_trailing_newline(self) -> None:
        """Keep it: libcst's provider has counted it by then, in the positions of the last nodes."""

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        whole = (self._starts.pop(), len(self.tokens), self.generated, node)
        key = id(node)
        self.whole[key] = whole
        syntactic = self.spans.get(key)
        if syntactic is None or syntactic[2] is not self.generated:
            self.spans[key] = whole

    # libcst types it as a generator-based context manager; any context manager does.
    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """The context libcst generates a node's syntactic part in (a plain class: a generator-based
    context manager per node costs more than the code generation)."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self,
        state: _TokenSpans,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state, self.node = state, node
        self.start_node, self.end_node = start_node, end_node

    def __enter__(self) -> None:
        self.start = len(self.state.tokens)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        spans = self.state.spans
        start = spans[id(self.start_node)][0] if self.start_node is not None else self.start
        end = spans[id(self.end_node)][1] if self.end_node is not None else len(self.state.tokens)
        spans[id(self.node)] = (start, end, self.state.generated, self.node)
