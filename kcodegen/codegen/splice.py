"""Put generated code where the model was: only the model's statements change, all else stays byte
for byte. Edits of every converted model are collected first and applied in one pass per block, so
models whose statements interleave are handled too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from kcodegen.codegen.emit import Generated
from kcodegen.codegen.followed_guard import followed_guard
from kcodegen.codegen.identifiers import words
from kcodegen.codegen.imports import ImportPlan, is_docstring
from kcodegen.codegen.pieces import Pieces, Statement
from kcodegen.frontend.compound import kept_part
from kcodegen.frontend.followed import CLOSURE_CHECK
from kcodegen.ir import ModelGraph


@dataclass
class BlockEdits:
    remove: set[int] = field(default_factory=set)
    replace_at: dict[int, list[Statement]] = field(default_factory=dict)
    insert_before: dict[int, list[Statement]] = field(default_factory=dict)


@dataclass
class Edits:
    blocks: dict[str, BlockEdits] = field(default_factory=dict)

    def block(self, name: str) -> BlockEdits:
        return self.blocks.setdefault(name, BlockEdits())


def plan_model(
    edits: Edits,
    module: cst.Module,
    graph: ModelGraph,
    pieces: Pieces,
    plan: ImportPlan,
    generated: Generated,
) -> None:
    site = graph.site
    body, definition = generated.body, generated.definition
    block = edits.block(site.function)
    original = _body(module, site.function)
    # An `if` the model is built in keeps what does not build it (a validation), where it was.
    kept = {
        index: part
        for index in site.statements
        if isinstance(original[index], cst.If | cst.For)
        and (part := kept_part(original[index])) is not None  # type: ignore[arg-type]
    }
    first = site.statements[0]
    lead = [] if first in kept else list(original[first].leading_lines)
    if site.class_statement is not None and graph.style == "subclassing":
        edits.block("").remove.add(site.class_statement)
        if not any(line.comment for line in lead):  # the class's comment now describes the new code
            lead += [
                line for line in module.body[site.class_statement].leading_lines if line.comment
            ]
    said = {line.comment.value for line in lead if line.comment is not None}
    statements = pieces.statements(body, said)
    classes = pieces.statements(definition, said) if definition else []
    if classes and site.function:
        classes[0] = classes[0].with_changes(leading_lines=[cst.EmptyLine()] * 2)
        edits.block("").insert_before.setdefault(_function_index(module, site.function), []).extend(
            classes
        )
        classes = []
    new = [*classes, *statements]
    new[0] = new[0].with_changes(leading_lines=lead + list(new[0].leading_lines))
    if classes:
        after = len(classes)
        new[after] = new[after].with_changes(
            leading_lines=[cst.EmptyLine()] * 2 + list(new[after].leading_lines)
        )
    block.remove.update(site.statements)
    _guard_arguments(block, original, graph, pieces, plan, generated)
    for index, part in kept.items():
        block.replace_at[index] = [part]
    block.replace_at[site.statements[-1]] = [
        *block.replace_at.get(site.statements[-1], []),
        *new,
    ]


def _guard_arguments(
    block: BlockEdits,
    original: Sequence[Statement],
    graph: ModelGraph,
    pieces: Pieces,
    plan: ImportPlan,
    generated: Generated,
) -> None:
    """A builder converted for the arguments kcg followed checks them first (after its
    docstring); those the generated code reads itself (``name=name``) need no check, unless it
    also holds their values somewhere (``generated.frozen``)."""
    site = graph.site
    passed = (words(generated.body) | generated.unneeded) - generated.frozen
    unread = [followed for followed in site.followed if followed[0] not in passed]
    for local, checks in site.derived:
        if local in generated.frozen:
            unread += [check for check in checks if check not in unread]
    guard = followed_guard(site.function, unread) if site.function else None
    if guard is None:
        return
    if CLOSURE_CHECK in guard:
        plan.import_module("inspect")
    docstring = is_docstring(original[0])
    block.insert_before.setdefault(1 if docstring else 0, []).extend(
        pieces.statements(guard, set())
    )


def apply(module: cst.Module, edits: Edits) -> cst.Module:
    new_body = list(module.body)
    for name, block in edits.blocks.items():
        if name:
            index = _function_index(module, name)
            function = module.body[index]
            assert isinstance(function, cst.FunctionDef)
            assert isinstance(function.body, cst.IndentedBlock)
            inner = _rebuild(function.body.body, block)
            new_body[index] = function.with_changes(body=function.body.with_changes(body=inner))
    module_edits = edits.blocks.get("")
    if module_edits is not None:
        return module.with_changes(body=_rebuild(new_body, module_edits))
    return module.with_changes(body=new_body)


def _rebuild(body: Sequence[cst.BaseStatement], block: BlockEdits) -> list[cst.BaseStatement]:
    out: list[cst.BaseStatement] = []
    for index, statement in enumerate(body):
        out.extend(block.insert_before.get(index, []))
        if index in block.replace_at:
            out.extend(block.replace_at[index])
        elif index not in block.remove:
            out.append(statement)
    return out


def _body(module: cst.Module, function: str) -> Sequence[Statement]:
    if not function:
        return module.body
    node = module.body[_function_index(module, function)]
    assert isinstance(node, cst.FunctionDef)
    return node.body.body  # type: ignore[return-value]


def _function_index(module: cst.Module, name: str) -> int:
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return index
    raise LookupError(name)
