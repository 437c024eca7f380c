"""Helpers given to a helper: MobileNetV3's ``_inverted_res_block(x, ..., activation, ...)``
calls ``activation(x)``, its callers passing ``relu`` or ``hard_swish``. Once those fold into
``Relu`` and ``HardSwish``, the block's class takes the class instead (``activation=Relu``) and
makes its layer from it (``self.activation = activation()``): one class for every call, whichever
helper each passed. Only a parameter the body does nothing with but call (``Invocation.called``)
may change its value so.
"""

from __future__ import annotations

from dataclasses import replace

from kcodegen.codegen.block_calls import Call, made_through
from kcodegen.ir import CallArgument, Invocation

Passed = dict[str, str]  # a parameter the helper calls -> the block class a call passes for it


def through(invocation: Invocation, parent: Invocation | None) -> str | None:
    """The parameter of ``parent``'s helper a call of a folded helper went through, if it did."""
    callee = invocation.callee
    return callee if parent is not None and callee in parent.called else None


def passed_classes(calls: list[Call], classes: dict[str, str]) -> dict[str, Passed] | None:
    """Per call, the block class it passes for each parameter its layers went through; None
    where one passes what no block class stands for, or its layers are not of that class."""
    function = calls[0].invocation.function
    parameters = {
        parameter
        for call in calls
        for layer in call.layers
        if (parameter := made_through(layer, function)) is not None
    }
    written = dict(calls[0].invocation.parameters or ())
    if any(written.get(p) is not None and written[p] not in classes for p in parameters):
        return None  # a default the class cannot write as a class
    found: dict[str, Passed] = {}
    for call in calls:
        invocation = call.invocation
        passed: Passed = {}
        for parameter in parameters:
            text = _argument(invocation, parameter)
            cls = classes.get(text) if text is not None else None
            if cls is None:
                return None
            passed[parameter] = cls
        for layer in call.layers:
            parameter = made_through(layer, function)
            if parameter is not None and passed[parameter] != layer.cls:
                return None
        found[invocation.id] = passed
    return found


def _argument(invocation: Invocation, parameter: str) -> str | None:
    """What the call passes for ``parameter`` as module code reads it, or its default."""
    names = [name for name, _ in invocation.parameters or ()]
    for position, argument in enumerate(invocation.arguments):
        if argument.keyword == parameter or (
            argument.keyword is None and position < len(names) and names[position] == parameter
        ):
            return argument.text
    return dict(invocation.parameters or ()).get(parameter)


def with_classes(invocation: Invocation, passed: Passed) -> tuple[CallArgument, ...]:
    """The call's arguments passing the block classes (module-level names: the same text in
    every scope)."""
    names = [name for name, _ in invocation.parameters or ()]
    arguments = []
    for position, argument in enumerate(invocation.arguments):
        name = argument.keyword or (names[position] if position < len(names) else None)
        if name in passed:
            cls = passed[name]
            source = cls if argument.source_text is not None else None
            argument = replace(argument, text=cls, local_text=cls, source_text=source)
        arguments.append(argument)
    return tuple(arguments)


def defaults(written: tuple[str, ...], passed: Passed, classes: dict[str, str]) -> tuple[str, ...]:
    """The class's parameters as written, a default naming a folded helper naming its class."""
    result = []
    for text in written:
        name, _, default = text.partition("=")
        if name in passed and default:
            text = f"{name}={classes[default]}"
        result.append(text)
    return tuple(result)
