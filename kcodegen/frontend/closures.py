"""Helpers that return the block they define, as Keras writes ConvNeXt's and EfficientNetV2's:

    def ConvNeXtBlock(projection_dim, name=None):
        if name is None:
            name = ...
        def apply(inputs):
            x = layers.Conv2D(projection_dim, ..., name=f"{name}_depthwise_conv")(inputs)
            ...
        return apply

    x = ConvNeXtBlock(projection_dim=96, name="stage_0_block_0")(x)

Called at once with the tensor (``Helper(...)(x)``), such a helper runs as one function: its
parameters, then the inner function's as keyword-only; its statements before the definition, then
the inner function's. The interpreter records that call as one helper call, so a helper called
several times becomes one block class, as ``def block(x, filters):`` does.
"""

from __future__ import annotations

from functools import lru_cache

import libcst as cst

from kcodegen.frontend.cst_search import find_any_order
from kcodegen.frontend.syntax import assigned_names


@lru_cache(maxsize=256)  # one function per helper: the interpreter's caches go by the node
def flattened(function: cst.FunctionDef) -> cst.FunctionDef | None:
    """The helper as one function, or None when it is not one that returns the function it
    defines last, or when running the two bodies as one could read another binding: a name of
    the inner function the helper binds too, a default evaluated where the helper was defined,
    ``nonlocal`` or ``global``, or the inner function named again; or when it may return
    before it."""
    inner = _returned_definition(function)
    if inner is None:
        return None
    outer, own = function.params, inner.params
    if isinstance(outer.star_arg, cst.Param):
        return None
    if outer.star_kwarg is not None or own.posonly_params or own.kwonly_params:
        return None
    if isinstance(own.star_arg, cst.Param | cst.ParamStar) or own.star_kwarg is not None:
        return None
    if any(p.default is not None for p in own.params):
        return None
    before = function.body.body[:-2]  # type: ignore[union-attr]
    if any(find_any_order(s, cst.Return, cst.Yield) for s in before):
        return None  # it may return something else: running on would not
    helpers = {p.name.value for p in [*outer.posonly_params, *outer.params, *outer.kwonly_params]}
    for statement in before:
        helpers |= assigned_names(statement)
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            helpers.add(statement.name.value)
    inner_names = {p.name.value for p in own.params} | assigned_names(inner.body)
    if helpers & inner_names or find_any_order(inner, cst.Nonlocal, cst.Global):
        return None
    named = {n.value for s in [*before, inner.body] for n in find_any_order(s, cst.Name)}
    if inner.name.value in named:
        return None
    params = outer.with_changes(
        star_arg=cst.ParamStar(),
        kwonly_params=[*outer.kwonly_params, *own.params],
    )
    body = [*before, *inner.body.body]  # type: ignore[union-attr]
    return function.with_changes(params=params, body=function.body.with_changes(body=body))


def inner_parameters(function: cst.FunctionDef) -> tuple[str, ...]:
    """The parameters of the function the helper returns, in order."""
    inner = _returned_definition(function)
    return tuple(p.name.value for p in inner.params.params) if inner is not None else ()


def _returned_definition(function: cst.FunctionDef) -> cst.FunctionDef | None:
    """``def apply(...)`` where the helper's last two statements are it and ``return apply``."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock) or len(body.body) < 2 or function.asynchronous:
        return None
    inner, last = body.body[-2], body.body[-1]
    if not (
        isinstance(inner, cst.FunctionDef)
        and not inner.decorators
        and inner.asynchronous is None
        and isinstance(inner.body, cst.IndentedBlock)
        and isinstance(last, cst.SimpleStatementLine)
        and len(last.body) == 1
        and isinstance(last.body[0], cst.Return)
        and isinstance(last.body[0].value, cst.Name)
        and last.body[0].value.value == inner.name.value
    ):
        return None
    return inner
