"""Imports in the file's own style: reuse what it already imports, add what is missing, drop what the
conversion made unused (and nothing else)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import libcst as cst

from kcodegen.frontend.import_bindings import import_bindings, module_name
from kcodegen.frontend.names import canonical

# Spellings a canonical symbol can be reached by, besides its own name.
_SPELLINGS = {
    "keras.Model": ("keras.Model", "keras.models.Model"),
    "keras.Sequential": ("keras.Sequential", "keras.models.Sequential"),
    "keras.Input": ("keras.Input", "keras.layers.Input"),
}
ImportT = TypeVar("ImportT", cst.Import, cst.ImportFrom)
_HOME_MODULE = {"keras.Model": "models", "keras.Sequential": "models", "keras.Input": "layers"}


@dataclass
class ImportPlan:
    """Resolves canonical Keras symbols to expressions valid in one module, recording new imports."""

    module: cst.Module
    bindings: dict[str, str] = field(init=False)  # local name -> imported dotted name (raw)
    added: dict[str, str] = field(default_factory=dict)  # local name -> canonical symbol
    modules: set[str] = field(default_factory=set)  # standard modules to ``import`` plainly

    def __post_init__(self) -> None:
        self.bindings = {}
        for statement in self.module.body:
            for small in _imports(statement):
                self.bindings.update(import_bindings(small))

    def ref(self, symbol: str) -> str:
        """An expression for ``symbol`` (canonical, e.g. ``keras.Input``) in this module."""
        spellings = _SPELLINGS.get(symbol, (symbol,))
        for local, imported in self.bindings.items():
            if canonical(imported) == symbol:
                return local
        best: str | None = None
        for local, imported in self.bindings.items():
            base = canonical(imported)
            for spelling in spellings:
                if base == "tensorflow":
                    candidate = f"{local}.{spelling}"
                elif spelling.startswith(base + "."):
                    candidate = local + spelling[len(base) :]
                else:
                    continue
                if best is None or len(candidate) < len(best):
                    best = candidate
        if best is not None:
            return best
        short = symbol.rsplit(".", 1)[-1]
        self.added[short] = symbol
        return short

    def import_module(self, name: str) -> None:
        """Make ``import name`` (a standard module the generated code reads) hold in this module."""
        if self.bindings.get(name) != name:
            self.modules.add(name)

    def package(self) -> str:
        """``tensorflow.keras`` or ``keras``, whichever the file imports Keras from."""
        for imported in self.bindings.values():
            if imported.startswith("tensorflow.keras") or imported == "tensorflow":
                return "tensorflow.keras"
        return "keras"


def apply_imports(
    module: cst.Module, plan: ImportPlan, dropped_names: set[str], also_used: set[str]
) -> cst.Module:
    """Add ``plan.added`` to the file's imports; remove Keras imports in ``dropped_names`` that
    neither the module nor ``also_used`` (the names of generated code kept as text) reads."""
    for local, symbol in plan.added.items():
        module = _add_import(module, local, symbol, plan)
    for name in sorted(plan.modules):
        module = _add_module_import(module, name)
    used = _used_names(module) | also_used
    unused = {name for name in dropped_names if name not in used}
    return module.visit(_RemoveUnused(unused, plan.bindings)) if unused else module


def _imports(statement: cst.CSTNode) -> list[cst.Import | cst.ImportFrom]:
    if isinstance(statement, cst.SimpleStatementLine):
        return [s for s in statement.body if isinstance(s, (cst.Import, cst.ImportFrom))]
    return []


def _used_names(module: cst.Module) -> set[str]:
    used: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Name(self, node: cst.Name) -> None:
            used.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False

    module.visit(Collector())
    return used


class _RemoveUnused(cst.CSTTransformer):
    def __init__(self, unused: set[str], bindings: dict[str, str]) -> None:
        self.unused = {
            name for name in unused if canonical(bindings.get(name, "")).startswith("keras")
        }

    def leave_ImportFrom(
        self, original: cst.ImportFrom, updated: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated.names, cst.ImportStar):
            return updated
        return self._without_unused(updated)

    def leave_Import(
        self, original: cst.Import, updated: cst.Import
    ) -> cst.Import | cst.RemovalSentinel:
        return self._without_unused(updated)

    def _without_unused(self, statement: ImportT) -> ImportT | cst.RemovalSentinel:
        names = statement.names
        assert not isinstance(names, cst.ImportStar)
        kept = [alias for alias in names if _local(alias) not in self.unused]
        if len(kept) == len(names):
            return statement
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return statement.with_changes(names=kept)


def _local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return module_name(alias.asname.name)
    return module_name(alias.name).split(".", 1)[0]


def _add_module_import(module: cst.Module, name: str) -> cst.Module:
    """``import name`` before the file's first import that is not ``from __future__``, standard
    modules first as PEP 8 has them; after the docstring when there is none."""
    body = list(module.body)
    imports = [i for i, s in enumerate(body) if _imports(s)]
    future = [i for i in imports if _is_future(body[i])]
    later = [i for i in imports if i not in future]
    line = cst.parse_statement(f"import {name}\n")
    if later:  # takes over the comment and blank lines above the first import
        at = later[0]
        line = line.with_changes(leading_lines=body[at].leading_lines)
        body[at] = body[at].with_changes(leading_lines=[])
    elif future:
        at = future[-1] + 1
    else:
        at = 1 if body and is_docstring(body[0]) else 0
    body.insert(at, line)
    return module.with_changes(body=body)


def _is_future(statement: cst.BaseStatement) -> bool:
    return any(
        isinstance(small, cst.ImportFrom)
        and isinstance(small.module, cst.Name)
        and small.module.value == "__future__"
        for small in _imports(statement)
    )


def is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _add_import(module: cst.Module, local: str, symbol: str, plan: ImportPlan) -> cst.Module:
    """Join an existing ``from <pkg>.<home> import ...`` when there is one; else add a new line."""
    package = plan.package()
    home = _HOME_MODULE.get(symbol, symbol.rsplit(".", 1)[0].removeprefix("keras").lstrip("."))
    targets = [f"{package}.{home}" if home else package, package]
    body = list(module.body)
    for target in targets:
        for index, statement in enumerate(body):
            for small in _imports(statement):
                if (
                    isinstance(small, cst.ImportFrom)
                    and small.module is not None
                    and not small.relative
                    and module_name(small.module) == target
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    names = list(small.names)
                    names[-1] = names[-1].with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    )
                    names.append(cst.ImportAlias(cst.Name(local)))
                    new_small = small.with_changes(names=names)
                    body[index] = statement.deep_replace(small, new_small)  # type: ignore[arg-type]
                    return module.with_changes(body=body)
    line = cst.parse_statement(f"from {targets[0]} import {local}\n")
    last_import = max((i for i, s in enumerate(body) if _imports(s)), default=-1)
    body.insert(last_import + 1, line)
    return module.with_changes(body=body)
