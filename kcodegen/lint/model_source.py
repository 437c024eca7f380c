"""The part of a file that can build a model, for the rules that read the IR.

Interpreting a module costs far more than parsing it, and a large file (a test module of fifty
methods, say) usually builds its models in a few places. Function and class definitions that never
mention a model-making name (``Model``, ``Sequential``, ``Input``, ...) and that no kept code refers
to are blanked out, so the interpreter never sees them. Everything else is kept as written, and
blanking keeps every line where it was, so the IR's positions are the file's.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from kcodegen.lint.ast_walk import statements

# A definition that mentions one of these may build or be a model.
MODEL_NAMES = frozenset({"Model", "Sequential", "Input", "InputLayer", "Functional"})
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def model_source(tree: ast.Module, lines: list[str]) -> str:
    """The source (``lines`` with their ends) with the definitions that cannot matter blanked.

    Kept are: module-level functions that mention a model-making name (the interpreter explores
    them); classes whose bases do (models, and classes derived from kept ones) or that are layers,
    whole; and whatever kept code refers to by name or attribute (helpers, custom layers,
    ``self.block``), whole. Methods of other classes (a test case's) run only when kept code calls
    them, so only those are kept, and the class around them.
    """
    markers = MODEL_NAMES | _aliases(tree)
    mentions = _mention_pattern(markers)
    definitions = list(_definitions(tree.body))
    whole: dict[int, Definition] = {}  # kept with everything inside, by id
    referenced = _outside_definitions(tree, definitions)
    models: set[str] = set()  # the kept classes' names: a class derived from one is kept

    def keep(definition: Definition) -> None:
        for inner in [definition, *_definitions(_body(definition))]:
            if id(inner) not in whole:
                whole[id(inner)] = inner
                referenced.update(_names(inner))
                if isinstance(inner, ast.ClassDef):
                    models.add(inner.name)

    methods = {id(d) for c in definitions if isinstance(c, ast.ClassDef) for d in _body(c)}
    for definition in definitions:
        if isinstance(definition, ast.ClassDef):
            if _header_names(definition) & (markers | {"Layer"}):
                keep(definition)
        elif id(definition) not in methods and mentions.search(_text(definition, lines)):
            keep(definition)
    while more := [
        d
        for d in definitions
        if id(d) not in whole
        and (d.name in referenced or (isinstance(d, ast.ClassDef) and _header_names(d) & models))
    ]:
        for definition in more:
            keep(definition)
    text = list(lines)
    for definition in _outermost_unused(tree.body, whole):
        _blank(definition, text)  # a definition starts a line and ends one (but for a comment)
    return "".join(text)


def _body(definition: Definition) -> list[ast.stmt]:
    return definition.body if isinstance(definition, ast.ClassDef) else []


def _definitions(body: Iterable[ast.stmt]) -> Iterator[Definition]:
    """Functions and classes at module level and in class bodies, at any depth of classes."""
    for statement in body:
        if isinstance(statement, Definition):
            yield statement
        if isinstance(statement, ast.ClassDef):
            yield from _definitions(statement.body)


def _outermost_unused(
    body: Iterable[ast.stmt], whole: dict[int, Definition]
) -> Iterator[Definition]:
    """Definitions neither kept nor holding a kept one, outermost first (their insides go with
    them)."""
    for statement in body:
        if not isinstance(statement, Definition) or id(statement) in whole:
            continue
        inner = list(_definitions(_body(statement)))
        if any(id(d) in whole for d in inner):
            yield from _outermost_unused(_body(statement), whole)
        else:
            yield statement


def _names(node: ast.AST) -> set[str]:
    """Every name and attribute name used in ``node``."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def _header_names(definition: ast.ClassDef) -> set[str]:
    """Names in a class's bases, keywords and decorators."""
    found: set[str] = set()
    for node in [*definition.bases, *definition.keywords, *definition.decorator_list]:
        found |= _names(node)
    return found


def _aliases(tree: ast.Module) -> set[str]:
    """Names a model-making name is imported as (``from keras import Model as M``)."""
    return {
        alias.asname
        for node in statements(tree.body)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname and alias.name in MODEL_NAMES
    }


def _mention_pattern(names: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")


def _text(definition: Definition, lines: list[str]) -> str:
    """The definition's lines (a mention in a comment or a docstring only keeps too much)."""
    return "".join(lines[_first_line(definition) - 1 : definition.end_lineno])


def _outside_definitions(tree: ast.Module, definitions: list[Definition]) -> set[str]:
    """Names used by code that runs whatever is kept: module level and class bodies' statements."""
    inside = {id(d) for d in definitions}
    found: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ClassDef):  # its header runs; its methods are definitions
            stack.extend([*node.bases, *node.keywords, *node.decorator_list])
            stack.extend(s for s in node.body if id(s) not in inside or isinstance(s, ast.ClassDef))
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and id(node) in inside:
            stack.extend(node.decorator_list)  # they run; the body runs only when called
            continue
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _first_line(definition: Definition) -> int:
    return min([definition.lineno, *(d.lineno for d in definition.decorator_list)])


def _blank(definition: Definition, text: list[str]) -> None:
    """``pass`` in place of the definition's first line (a class body may be left empty), blank
    lines in place of the rest, each line keeping its line end and the first its indentation."""
    first, last = _first_line(definition), definition.end_lineno or definition.lineno
    for number in range(first, last + 1):
        line = text[number - 1]
        body = line.rstrip("\r\n")
        end = line[len(body) :]
        indent = body[: len(body) - len(body.lstrip())]
        text[number - 1] = indent + "pass" + end if number == first else end
