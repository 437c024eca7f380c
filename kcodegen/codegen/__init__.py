"""IR -> new module source: emit each model in the target style and splice it in."""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst

from kcodegen.codegen.emit import Generated, emit_functional, emit_sequential
from kcodegen.codegen.identifiers import identifiers, identifiers_in, words
from kcodegen.codegen.imports import ImportPlan, apply_imports
from kcodegen.codegen.pieces import Pieces
from kcodegen.codegen.splice import Edits, apply, plan_model
from kcodegen.codegen.unused_helpers import without_unused_helpers
from kcodegen.frontend.python_ast import parsed, same_statements
from kcodegen.ir import ModelGraph, Style


def rewrite(
    module: cst.Module, source: str, graphs: list[ModelGraph], to: Style
) -> tuple[str, tuple[str, ...]]:
    """The module (parsed from ``source``) with every graph in ``graphs`` rewritten in style
    ``to``; and the helpers removed, since nothing calls them any more."""
    plan = ImportPlan(module)
    taken = identifiers(source) if to == "subclassing" else set()  # class and attribute names
    edits = Edits()
    pieces = Pieces(source)
    dropped: set[str] = set()
    for graph in graphs:
        generated = _emit(graph, to, plan, taken)
        if generated.definition:
            taken.add(generated.definition.split("(", 1)[0].removeprefix("class ").strip())
        plan_model(edits, module, graph, pieces, plan, generated)
        dropped |= _names_in_site(module, source, graph)
    generated_names: set[str] = set()
    for text in pieces.texts():
        generated_names |= words(text)
    helpers = {call.function for graph in graphs for call in graph.invocations}
    helpers -= {graph.site.function for graph in graphs}
    new_module, removed, read = without_unused_helpers(
        apply(module, edits), helpers, pieces.texts()
    )
    new_module = apply_imports(new_module, plan, dropped | read, generated_names)
    code = pieces.fill(new_module.code, module.default_newline)
    # Generated code always compiles (the tree is parsed once: the unbound-name check reads it).
    try:
        _compile(code)
    except SyntaxError as error:
        raise GeneratedInvalid(error.lineno or 0, error.msg, code) from None
    return code, removed


def _compile(code: str) -> None:
    """Compile the code from its shared tree; from its text where the tree nests deeper than
    Python converts back (``t0 + t1 + ... + t999``: a level a term), which the compiler reads."""
    try:
        compile(parsed(code) or code, "<converted>", "exec", dont_inherit=True)
    except RecursionError:
        compile(code, "<converted>", "exec", dont_inherit=True)


class GeneratedInvalid(Exception):
    """The generated module does not compile: a bug in kcg, refused rather than written."""

    def __init__(self, line: int, message: str, code: str) -> None:
        super().__init__(message)
        lines = code.splitlines()
        self.line = line
        self.text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        self.message = message


def _emit(graph: ModelGraph, to: Style, plan: ImportPlan, taken: set[str]) -> Generated:
    if to == "functional":
        return emit_functional(graph, plan)
    if to == "sequential":
        return emit_sequential(graph, plan)
    from kcodegen.codegen.subclass import emit_subclassing  # with its block classes: only here

    return emit_subclassing(graph, plan, taken)


def _names_in_site(module: cst.Module, source: str, graph: ModelGraph) -> set[str]:
    """Names the removed statements used: their imports may now be unused."""
    site = graph.site
    body: Sequence[cst.BaseStatement] = module.body
    tree = parsed(source)
    groups = same_statements(body, tree.body) if tree else None
    top_groups = groups
    if site.function:
        index = next(
            i
            for i, s in enumerate(body)
            if isinstance(s, cst.FunctionDef) and s.name.value == site.function
        )
        function = body[index]
        assert isinstance(function, cst.FunctionDef)
        body = function.body.body  # type: ignore[assignment]
        definition = groups[index][0] if groups else None
        groups = (
            same_statements(body, definition.body)
            if isinstance(definition, ast.FunctionDef)
            else None
        )
    removed = list(site.statements)
    if groups is None or top_groups is None:  # the stdlib cannot read it: ask libcst
        statements = [body[i] for i in removed]
        if site.class_statement is not None and graph.style == "subclassing":
            statements.append(module.body[site.class_statement])
        return set().union(*(identifiers(module.code_for_node(s)) for s in statements))
    nodes = [node for i in removed for node in groups[i]]
    if site.class_statement is not None and graph.style == "subclassing":
        nodes += top_groups[site.class_statement]
    return identifiers_in(nodes)


__all__ = ["GeneratedInvalid", "rewrite"]
