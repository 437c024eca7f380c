"""Helpers the conversion left without callers go with the model they built.

``conv2d_bn`` built part of a model; once its calls are a ``Conv2dBn`` class (or written out in
the class's ``__init__``), nothing calls the function. Left in place, it reads as if the model
still used it. A helper goes only when no statement of the new module reads its name, and is
not named in ``__all__`` (other modules may import it).
"""

from __future__ import annotations

import symtable
import textwrap
from collections.abc import Collection, Iterable

import libcst as cst

from kcodegen.codegen.identifiers import words


def without_unused_helpers(
    module: cst.Module, helpers: Collection[str], generated: Iterable[str]
) -> tuple[cst.Module, tuple[str, ...], set[str]]:
    """``module`` without the module-level functions of ``helpers`` that nothing reads, counting
    ``generated`` (the code kept as text) and helpers still in use; the names removed, in the
    module's order; and the names they read (imports they may leave unused)."""
    candidates = {
        index: statement.name.value
        for index, statement in enumerate(module.body)
        if isinstance(statement, cst.FunctionDef) and statement.name.value in helpers
    }
    if not candidates:
        return module, (), set()
    reads = {index: _names_read(module.code_for_node(s)) for index, s in enumerate(module.body)}
    exported = _exported(module, reads)
    if exported is None:  # ``__all__`` built otherwise than as a literal: any may be public
        return module, (), set()
    outside = set().union(exported, *(_names_read(text) for text in generated))
    for index, names in reads.items():
        if index not in candidates:
            outside |= names
    index_of = {name: index for index, name in candidates.items()}
    alive = {name for name in index_of if name in outside}
    pending = list(alive)
    while pending:  # a helper in use keeps the helpers it calls
        caller = reads[index_of[pending.pop()]]
        for name in index_of:
            if name not in alive and name in caller:
                alive.add(name)
                pending.append(name)
    removed = [index for index, name in candidates.items() if name not in alive]
    if not removed:
        return module, (), set()
    body = [s for index, s in enumerate(module.body) if index not in removed]
    gone = tuple(candidates[index] for index in removed)
    return module.with_changes(body=body), gone, set().union(*(reads[i] for i in removed))


def _names_read(code: str) -> set[str]:
    """The module-level names code uses (``self.conv2d_bn = ...`` uses no ``conv2d_bn``, nor
    does ``for conv2d_bn in self.blocks:`` inside a method); every word of it where it is a
    fragment the parser does not take."""
    try:
        table = symtable.symtable(textwrap.dedent(code), "<kcg>", "exec")
    except SyntaxError:
        return words(code)
    found: set[str] = set()
    pending = [table]
    while pending:
        scope = pending.pop()
        module_level = scope.get_type() == "module"
        found.update(
            symbol.get_name()
            for symbol in scope.get_symbols()
            if symbol.is_referenced() and (module_level or symbol.is_global())
        )
        pending.extend(scope.get_children())
    return found


def _exported(module: cst.Module, reads: dict[int, set[str]]) -> set[str] | None:
    """The names ``__all__`` lists; None when the module builds it otherwise than by assigning
    a list or tuple of strings (``__all__ += [...]``). ``reads``: each statement's names."""
    names: set[str] = set()
    for index, statement in enumerate(module.body):
        literal = None
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and small.targets[0].target.value == "__all__"
            ):
                literal = small.value
        if literal is None:
            if "__all__" in reads[index]:
                return None
            continue
        if not isinstance(literal, cst.List | cst.Tuple):
            return None
        for element in literal.elements:
            value = element.value
            if not isinstance(value, cst.SimpleString) or not isinstance(
                value.evaluated_value, str
            ):
                return None
            names.add(value.evaluated_value)
    return names
