"""What most rules share: the file's imports, assignments and calls from the stdlib ``ast``, names
resolved through those imports to Keras' canonical names, and findings and edits at ``ast`` nodes.

The stdlib parser is many times faster than libcst, and the index serves every rule: it is built
once per file, on first use, and kept beside its ``LintContext``. Statements are indexed first
(cheap); calls need a walk over every expression and are collected only when a rule asks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cached_property
from weakref import WeakKeyDictionary

from kcodegen.frontend.names import KERAS_ROOTS, canonical
from kcodegen.lint.ast_walk import statements
from kcodegen.lint.rule import Edit, Finding, Fix, LintContext, Rule

# The nodes that carry a position.
Located = ast.expr | ast.stmt | ast.keyword | ast.arg | ast.alias
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_INDEXES: WeakKeyDictionary[LintContext, Index] = WeakKeyDictionary()


class Index:
    """Imports, classes, functions, simple assignments and calls of a module, flow-insensitively."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.bindings: dict[str, str] = {}  # local name -> imported dotted name
        self.star_modules: list[str] = []  # ``from M import *``, in source order
        self.imports: list[ast.Import | ast.ImportFrom] = []
        self.guarded: set[int] = set()  # ids of imports a try/except ImportError tries
        self.assigned: dict[str, list[ast.expr]] = {}  # ``name = value`` values
        self.classes: dict[str, ast.ClassDef] = {}
        self._resolved: dict[int, str | None] = {}  # by the id of a node of ``tree``
        self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        for statement in statements(tree.body):
            self._note(statement)
        for statement in self.imports:
            self._bind(statement)
        for name in self.assigned.keys() - self.bindings.keys():  # ``K = keras.backend``
            value = self.single_value(name)
            alias = self.qualname(value) if isinstance(value, ast.Attribute) else None
            if alias is not None and alias.partition(".")[0] in KERAS_ROOTS:
                self.bindings[name] = alias

    @cached_property
    def calls(self) -> list[ast.Call]:
        """Every call, in source order."""
        found = [node for node in _walk(self.tree) if type(node) is ast.Call]
        return sorted(found, key=lambda call: (call.lineno, call.col_offset))

    @cached_property
    def local_names(self) -> set[str]:
        """Names the module assigns, defines or takes as parameters (they shadow star imports)."""
        names = {*self.assigned, *self.classes, *(f.name for f in self.functions)}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
        return names

    def qualname(self, node: ast.expr) -> str | None:
        """The dotted name ``node`` refers to through the imports, as imported (not canonical)."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        head = self.bindings.get(node.id)
        if head is None:
            if not self.star_modules or node.id in self.local_names:
                return None
            head = f"{self.star_modules[0]}.{node.id}"
        return ".".join([head, *reversed(parts)])

    def resolve(self, node: ast.expr) -> str | None:
        """The canonical Keras name of ``node`` (``keras.layers.Dense``), or None when unknown.

        Remembered by node: every rule resolves every call's callee."""
        key = id(node)
        if key not in self._resolved:
            name = self.qualname(node)
            self._resolved[key] = None if name is None else canonical(name)
        return self._resolved[key]

    def function_around(self, node: Located) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The innermost function whose body holds ``node``."""
        around = [
            function
            for function in self.functions
            if function.lineno < node.lineno <= (function.end_lineno or function.lineno)
        ]
        return max(around, key=lambda function: function.lineno) if around else None

    def scope_of(self, node: Located) -> int:
        """An id for the innermost function around ``node`` (0 for the module)."""
        function = self.function_around(node)
        return 0 if function is None else id(function)

    def single_value(self, name: str) -> ast.expr | None:
        """The value of ``name`` when the module assigns it exactly once."""
        values = self.assigned.get(name, [])
        return values[0] if len(values) == 1 else None

    def _note(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            self.imports.append(statement)
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    self.assigned.setdefault(target.id, []).append(statement.value)
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            self.functions.append(statement)
        elif isinstance(statement, ast.ClassDef):
            self.classes[statement.name] = statement
        elif isinstance(statement, ast.Try) and any(map(_catches_import_error, statement.handlers)):
            self.guarded.update(
                id(inner)
                for inner in statements(statement.body)
                if isinstance(inner, ast.Import | ast.ImportFrom)
            )

    def _bind(self, statement: ast.Import | ast.ImportFrom) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    self.bindings[alias.asname] = alias.name
                else:
                    root = alias.name.split(".", 1)[0]
                    self.bindings[root] = root
            return
        if statement.level or not statement.module:
            return
        for alias in statement.names:
            if alias.name == "*":
                self.star_modules.append(statement.module)
            else:
                self.bindings[alias.asname or alias.name] = f"{statement.module}.{alias.name}"


def index(ctx: LintContext) -> Index:
    found = _INDEXES.get(ctx)
    if found is None:
        found = _INDEXES[ctx] = Index(ctx.tree)
    return found


# Nodes that hold no call (or no node at all): not worth visiting.
_LEAVES = (ast.Name, ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop)


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``tree`` but names, constants and operators, in no particular order: a walk
    over every file's every expression, about twice as fast as ``ast.walk``."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                pending.extend(
                    item
                    for item in value
                    if isinstance(item, ast.AST) and not isinstance(item, _LEAVES)
                )
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                pending.append(value)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(
        name is None or (isinstance(name, ast.Name) and name.id in _IMPORT_ERRORS) for name in names
    )


# --- positions, findings and edits --------------------------------------------------------------
def span(ctx: LintContext, node: Located) -> tuple[int, int, int, int]:
    """``(line, col, end_line, end_col)`` of a node, in characters."""
    line, end_line = node.lineno, node.end_lineno or node.lineno
    col = ctx.char_col(line, node.col_offset)
    end_col = ctx.char_col(end_line, node.end_col_offset or 0)
    return line, col, end_line, end_col


def offsets(ctx: LintContext, node: Located) -> tuple[int, int]:
    """Character offsets of a node's source text."""
    line, col, end_line, end_col = span(ctx, node)
    return ctx.offset(line, col), ctx.offset(end_line, end_col)


def finding(
    rule: Rule,
    ctx: LintContext,
    node: Located,
    message: str | None = None,
    fix: Fix | None = None,
) -> Finding:
    line, col, end_line, end_col = span(ctx, node)
    return Finding(rule.code, message or rule.message, line, col, end_line, end_col, fix)


def replace(ctx: LintContext, node: Located, text: str) -> Edit:
    start, end = offsets(ctx, node)
    return Edit(start, end, text)


def source_of(ctx: LintContext, node: Located) -> str:
    start, end = offsets(ctx, node)
    return ctx.source[start:end]


# --- small questions about calls ----------------------------------------------------------------
def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((kw for kw in call.keywords if kw.arg == name), None)


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    found = keyword(call, name)
    return found.value if found else None


def argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    """A call's argument given by position or by keyword."""
    if len(call.args) > position and not any(
        isinstance(arg, ast.Starred) for arg in call.args[: position + 1]
    ):
        return call.args[position]
    found = keyword(call, name)
    return found.value if found else None


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def string_value(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def constant(node: ast.expr | None) -> object:
    """The value of a literal constant (``True``, ``3``), else ``...``."""
    return node.value if isinstance(node, ast.Constant) else ...


def subclasses_of(found: Index, base: str) -> set[str]:
    """Classes of the module derived from the canonical class ``base``, directly or through
    other classes of the module."""
    subclasses: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, cls in found.classes.items():
            if name not in subclasses and any(
                found.resolve(b) == base or dotted_name(b) in subclasses for b in cls.bases
            ):
                subclasses.add(name)
                changed = True
    return subclasses


def method_calls(found: Index, *names: str) -> Iterator[tuple[ast.Call, ast.Attribute]]:
    """Calls ``<receiver>.<name>(...)`` for the given method names."""
    for call in found.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in names:
            yield call, func


def remove_argument(ctx: LintContext, call: ast.Call, argument: ast.expr | ast.keyword) -> Edit:
    """Delete one argument of a call with the comma that separates it from its neighbour."""
    given: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    ordered = sorted(given, key=lambda a: (a.lineno, a.col_offset))
    at = ordered.index(argument)
    start, end = offsets(ctx, argument)
    if at > 0:
        return Edit(offsets(ctx, ordered[at - 1])[1], end, "")
    if len(ordered) > 1:
        return Edit(start, offsets(ctx, ordered[1])[0], "")
    return Edit(start, end, "")


def line_start(ctx: LintContext, node: Located) -> tuple[int, str] | None:
    """The offset of the line a node starts, and its indentation, when only blanks precede it."""
    line, col, _, _ = span(ctx, node)
    before = ctx.lines[line - 1][:col]
    if before.strip():
        return None
    return ctx.offset(line, 0), before


def literal_ending(node: ast.expr | None) -> str | None:
    """The text a path expression surely ends with: a string literal, the literal tail of an
    f-string or of ``a + "..."``, or the last part of ``os.path.join(..., "...")``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return literal_ending(node.values[-1])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return literal_ending(node.right)
    if isinstance(node, ast.Call) and dotted_name(node.func) == "os.path.join" and node.args:
        return literal_ending(node.args[-1])
    return None
