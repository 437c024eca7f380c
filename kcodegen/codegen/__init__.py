"""IR -> new module source: emit each model in the target style and splice it in."""

from __future__ import annotations

import libcst as cst

from kcodegen.codegen.emit import Generated, emit_functional, emit_sequential
from kcodegen.codegen.imports import ImportPlan, apply_imports
from kcodegen.codegen.splice import Edits, apply, plan_model
from kcodegen.codegen.subclass import emit_subclassing
from kcodegen.ir import ModelGraph, Style


def rewrite(module: cst.Module, graphs: list[ModelGraph], to: Style) -> str:
    """The module with every graph in ``graphs`` rewritten in style ``to``."""
    plan = ImportPlan(module)
    taken = _module_names(module)
    edits = Edits()
    dropped: set[str] = set()
    for graph in graphs:
        generated = _emit(graph, to, plan, taken)
        if generated.definition:
            taken.add(generated.definition.split("(", 1)[0].removeprefix("class ").strip())
        plan_model(edits, module, graph, generated.body, generated.definition)
        dropped |= _names_in_site(module, graph)
    new_module = apply_imports(apply(module, edits), plan, dropped)
    code = new_module.code
    cst.parse_module(code)  # generated code always re-parses
    compile(code, "<converted>", "exec", dont_inherit=True)
    return code


def _emit(graph: ModelGraph, to: Style, plan: ImportPlan, taken: set[str]) -> Generated:
    if to == "functional":
        return emit_functional(graph, plan)
    if to == "sequential":
        return emit_sequential(graph, plan)
    return emit_subclassing(graph, plan, taken)


def _module_names(module: cst.Module) -> set[str]:
    names: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            names.add(node.value)

    module.visit(Collector())
    return names


def _names_in_site(module: cst.Module, graph: ModelGraph) -> set[str]:
    """Names the removed statements used: their imports may now be unused."""
    site = graph.site
    body = module.body
    if site.function:
        function = next(
            s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == site.function
        )
        body = function.body.body  # type: ignore[assignment]
    removed = [body[i] for i in site.statements]
    if site.class_statement is not None and graph.style == "subclassing":
        removed.append(module.body[site.class_statement])
    names: set[str] = set()
    for statement in removed:
        names |= _module_names(cst.Module(body=[statement]))
    return names


__all__ = ["rewrite"]
