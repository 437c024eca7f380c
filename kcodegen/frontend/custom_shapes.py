"""Output shapes of the file's own layers whose ``call`` is arithmetic on its inputs.

InceptionResNetV2's ``CustomScaleLayer`` returns ``inputs[0] + inputs[1] * self.scale``, and the
next block reads ``x.shape[3]`` of its output. Such a layer keeps the broadcast shape of the
inputs it reads, provided every ``self`` attribute in it is a number: ``self.scale = scale`` in
``__init__``, called with a numeric constant. Any other ``call`` has no rule, and the shape stays
unknown with the reason (``shapes.py``).
"""

from __future__ import annotations

import ast
import textwrap

from kcodegen.frontend.shapes import Config, NotStatic, Rule, Shape, broadcast

_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)


def arithmetic_rule(class_code: str) -> Rule | None:
    """The shape rule of a layer class (its source) whose ``call(self, inputs)`` only returns
    an arithmetic expression of ``inputs``, ``inputs[i]``, numbers and ``self`` attributes set
    from ``__init__``'s parameters or from numbers; None for any other class."""
    definition = ast.parse(textwrap.dedent(class_code)).body[0]
    assert isinstance(definition, ast.ClassDef)
    methods = {s.name: s for s in definition.body if isinstance(s, ast.FunctionDef)}
    call = methods.get("call")
    if call is None or len(call.args.args) != 2 or call.args.vararg or call.args.kwarg:
        return None
    body = [s for s in call.body if not _is_docstring(s)]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    inputs = call.args.args[1].arg
    read: list[int | None] = []  # the inputs the expression reads: an index, or None for all
    attributes: list[str] = []
    for node in ast.walk(body[0].value):
        if isinstance(node, ast.Subscript) and _is_name(node.value, inputs):
            if not (isinstance(node.slice, ast.Constant) and type(node.slice.value) is int):
                return None
            read.append(node.slice.value)
        elif isinstance(node, ast.Attribute) and _is_name(node.value, "self"):
            attributes.append(node.attr)
        elif not _allowed(node, inputs):
            return None
    if sum(_is_name(n, inputs) for n in ast.walk(body[0].value)) > len(read):
        read.append(None)  # ``inputs`` itself: a single tensor
    sources = _numeric_attributes(methods.get("__init__"), attributes)
    if sources is None or _set_elsewhere(methods, attributes):
        return None

    def rule(config: Config, shapes: list[Shape]) -> Shape:
        for keyword, position in sources:
            value = config.get(keyword, position) if keyword else 0
            if type(value) not in (int, float):
                raise NotStatic(f"`{keyword}` is not a number")
        if None in read and len(shapes) != 1:
            raise NotStatic("the layer is called on several tensors")
        return broadcast([shapes[0] if index is None else shapes[index] for index in read])

    return rule if read else None


def _allowed(node: ast.AST, inputs: str) -> bool:
    """Parts of the expression that keep it elementwise (subscripts and attributes aside)."""
    return (
        isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Load, *_ARITHMETIC))
        or (isinstance(node, ast.Constant) and type(node.value) in (int, float))
        or _is_name(node, inputs)
        or _is_name(node, "self")
    )


def _numeric_attributes(
    init: ast.FunctionDef | None, attributes: list[str]
) -> list[tuple[str, int | None]] | None:
    """For each attribute, the ``__init__`` parameter it is set from (keyword, position), or
    ``("", None)`` when it is set to a number; None when one is set otherwise or not at all."""
    if not attributes:
        return []
    if init is None:
        return None
    parameters = [a.arg for a in init.args.args[1:]]
    set_from: dict[str, tuple[str, int | None]] = {}
    for statement in init.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        if not (isinstance(target, ast.Attribute) and _is_name(target.value, "self")):
            continue
        if isinstance(value, ast.Name) and value.id in parameters:
            set_from[target.attr] = (value.id, parameters.index(value.id))
        elif isinstance(value, ast.Constant) and type(value.value) in (int, float):
            set_from[target.attr] = ("", None)
    if any(attribute not in set_from for attribute in attributes):
        return None
    return [set_from[attribute] for attribute in attributes]


def _set_elsewhere(methods: dict[str, ast.FunctionDef], attributes: list[str]) -> bool:
    """An attribute is set again outside ``__init__`` (a weight made in ``build``)."""
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and _is_name(node.value, "self")
        and node.attr in attributes
        for name, method in methods.items()
        if name != "__init__"
        for node in ast.walk(method)
    )


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
