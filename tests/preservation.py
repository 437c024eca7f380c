"""The promise every conversion keeps: the user's statements outside a model's construction
survive byte for byte and in order. Tests call ``assert_preserved`` on every conversion they make."""

from __future__ import annotations

import symtable

import libcst as cst

from kcodegen.convert import Conversion


def kept_statements(conversion: Conversion) -> list[str]:
    """The original's top-level statements that no converted model is built by, as written.

    Imports are left out (a conversion adds and drops what the new code needs), and so are the
    statements a converted model's site names: its construction, the function that builds it,
    the class that defines it; and the helpers that built it, removed since nothing calls them.
    """
    module = cst.parse_module(conversion.original)
    replaced: set[int] = set()
    for graph in conversion.models:
        if graph.name not in conversion.converted:
            continue
        site = graph.site
        if site.function:
            replaced |= {
                index
                for index, statement in enumerate(module.body)
                if isinstance(statement, cst.FunctionDef) and statement.name.value == site.function
            }
        else:
            replaced |= set(site.statements)
        if site.class_statement is not None:
            replaced.add(site.class_statement)
    replaced |= {
        index
        for index, statement in enumerate(module.body)
        if isinstance(statement, cst.FunctionDef)
        and statement.name.value in conversion.removed_helpers
    }
    return [
        _text(module, statement)
        for index, statement in enumerate(module.body)
        if index not in replaced and not _is_import(statement)
    ]


def assert_preserved(conversion: Conversion) -> None:
    """Every kept statement is in the output, unchanged, in the original's order."""
    original = conversion.original
    if not conversion.converted:
        assert conversion.output == original, "a refused or unchanged conversion changes nothing"
        return
    output = cst.parse_module(conversion.output)
    helpers = {call.function for graph in conversion.models for call in graph.invocations}
    used = _module_names_read(conversion.output)
    for removed in conversion.removed_helpers:  # a helper of the models, that nothing reads now
        assert removed in helpers and removed not in used, removed
    written = iter(_text(output, statement) for statement in output.body)
    for statement in kept_statements(conversion):
        assert any(text == statement for text in written), (
            f"lost or moved out of order: {statement!r}"
        )


def _module_names_read(code: str) -> set[str]:
    """The module-level names the code reads: not a method's own loop variable that happens to
    share a removed helper's name."""
    found: set[str] = set()
    pending = [symtable.symtable(code, "<converted>", "exec")]
    while pending:
        scope = pending.pop()
        found.update(
            symbol.get_name()
            for symbol in scope.get_symbols()
            if symbol.is_referenced() and (scope.get_type() == "module" or symbol.is_global())
        )
        pending.extend(scope.get_children())
    return found


def _text(module: cst.Module, statement: cst.CSTNode) -> str:
    """A statement as written, its comments above it included, the blank lines above it not."""
    lines = module.code_for_node(statement).splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    return "".join(lines).rstrip()


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
    )
