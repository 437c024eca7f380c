"""Python calls: functions (inlined with their arguments), pure builtins, methods.

A call of a module-level function is recorded as an ``Invocation``, so that what it builds can be
written back as one block. Calls of Keras objects go to the Keras plugin (``call_keras``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import libcst as cst

from kcodegen.frontend import closures, syntax
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.helper_locals import derived_locals
from kcodegen.frontend.interpreter.brain import numpy_values
from kcodegen.frontend.interpreter.frame import Frame, Return
from kcodegen.frontend.interpreter.state import (
    MAX_UNROLL,
    PURE_BUILTINS,
    InterpreterState,
    unknown_used,
)
from kcodegen.frontend.interpreter.substitute import calls_local_function
from kcodegen.frontend.values import (
    STRING_METHODS,
    ClassVal,
    Const,
    DictVal,
    FunctionVal,
    Method,
    Opaque,
    SelfVal,
    SequenceVal,
    Symbol,
    TensorVal,
    Unknown,
    Value,
    const_value,
    constant,
    copied,
    iterate,
    literal_text,
    tensor_ids,
)
from kcodegen.ir import (
    CallArgument,
    Invocation,
)


class Calls(InterpreterState):
    """Calls functions, builtins and methods."""

    def eval_call(self, node: cst.Call) -> Value:
        closure = self._closure_helper(node)
        if closure is not None:
            return self._call_closure(closure, node)
        func = self.eval(node.func)
        evaluated = self._arguments(func, node)
        if not isinstance(evaluated, tuple):
            return evaluated
        return self.call(func, *evaluated, node)

    def _arguments(
        self, func: Value, node: cst.Call
    ) -> tuple[list[Value], dict[str, Value]] | Value:
        """The call's arguments, positional and by keyword; what the call gives instead where
        a ``*``/``**`` argument's contents are not known."""
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in node.args:
            value = self.eval(arg.value)
            if arg.star:
                expanded = _expanded(value, arg.star)
                if expanded is None:
                    return self._unknown_expansion(func, arg, node)
                args.extend(expanded[0])
                kwargs.update(expanded[1])
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return args, kwargs

    def _closure_helper(self, node: cst.Call) -> tuple[FunctionVal, tuple[str, ...]] | None:
        """``Helper(...)(x)`` where ``Helper`` is a module-level function that returns the
        function it defines (``closures``), called with each of its parameters once, none by
        ``*``: the helper run as one function, and the inner function's parameters; else None."""
        outer = node.func
        if not isinstance(outer, cst.Call) or not isinstance(outer.func, cst.Name):
            return None
        helper = self.lookup(outer.func.value)
        if not isinstance(helper, FunctionVal) or helper.closure is not self.module_frame:
            return None
        flat = closures.flattened(helper.node)
        if flat is None:
            return None
        names = closures.inner_parameters(helper.node)
        given = [a.keyword.value if a.keyword else None for a in node.args]
        if any(a.star for a in node.args) or any(g is not None for g in given[: given.count(None)]):
            return None
        bound = [*names[: given.count(None)], *(g for g in given if g is not None)]
        if sorted(bound) != sorted(names):
            return None
        return replace(helper, node=flat), names

    def _call_closure(self, closure: tuple[FunctionVal, tuple[str, ...]], node: cst.Call) -> Value:
        """Run ``Helper(...)(x)`` as one call of ``helper`` (flattened): the helper's arguments,
        then the inner function's, each by keyword."""
        helper, names = closure
        outer = node.func
        assert isinstance(outer, cst.Call)
        evaluated = self._arguments(helper, outer)
        if not isinstance(evaluated, tuple):
            return evaluated
        args, kwargs = evaluated
        written = list(outer.args)
        for position, arg in enumerate(node.args):
            keyword = arg.keyword.value if arg.keyword else names[position]
            kwargs[keyword] = self.eval(arg.value)
            written.append(arg.with_changes(keyword=cst.Name(keyword), equal=cst.AssignEqual()))
        self.called_functions.add(helper.node.name.value)
        return self.call_helper(helper, args, kwargs, node, written)

    def _unknown_expansion(self, func: Value, arg: cst.Arg, node: cst.Call) -> Value:
        """``block(x, **args)`` with ``args`` not known: a call that may build layers is refused
        with the reason (an opaque value would lose them without a word); others stay opaque."""
        if isinstance(func, FunctionVal | ClassVal) or (
            isinstance(func, Symbol) and func.qualname.startswith("keras.")
        ):
            raise Unsupported(
                f"`{self.render(node)}` passes `{arg.star}{self.render(arg.value)}`, whose "
                "contents kcg does not know",
                self.line(node),
            )
        return Opaque(self.render(node))

    def call(
        self, func: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        if isinstance(func, Symbol) and func.qualname == "builtins.super":
            return Method(SelfVal(), "super", "super()")
        if isinstance(func, Symbol) and func.qualname.startswith("builtins."):
            return self.call_builtin(func.qualname, args, kwargs, node)
        if isinstance(func, FunctionVal):
            if func.closure is self.module_frame:
                self.called_functions.add(func.node.name.value)
                return self.call_helper(func, args, kwargs, node)
            return self.call_function(func, args, kwargs)
        if isinstance(func, Method):
            return self.call_method(func, args, kwargs, node)
        if isinstance(func, Symbol) and func.qualname in ("copy.copy", "copy.deepcopy") and args:
            return copied(args[0], deep=func.qualname == "copy.deepcopy")
        if isinstance(func, Symbol) and func.qualname in _MATH and not kwargs:
            numbers = [constant(a) for a in args]
            if all(n is not None and isinstance(n.value, (int, float)) for n in numbers):
                try:  # `math.ceil(depth_coefficient * repeats)`: how many blocks a stage has
                    result = _MATH[func.qualname](*(n.value for n in numbers))  # type: ignore[union-attr]
                except (ValueError, OverflowError, TypeError):
                    return Opaque(self.render(node))
                return Const(result, self.render(node))
        if isinstance(func, Symbol) and func.qualname in numpy_values.FUNCTIONS:
            return self._call_numpy(func.qualname, args, kwargs, node)
        if isinstance(func, Unknown):
            raise unknown_used(func, self.line(node))
        made = self.call_keras(func, args, kwargs, node)
        return made if made is not None else Opaque(self.render(node))

    def _call_numpy(
        self, qualname: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        """A numpy function of constants, as a list of constants; opaque otherwise."""
        text = self.render(node)
        try:
            plain = [const_value(a) for a in args]
            named = {k: const_value(v) for k, v in kwargs.items()}
            result = numpy_values.FUNCTIONS[qualname](*plain, **named)
        except (LookupError, TypeError, ValueError, ZeroDivisionError):
            return Opaque(text)
        return SequenceVal([Const(item, repr(item)) for item in result], "list", text)

    def call_builtin(
        self, qualname: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        try:
            plain = [const_value(a) for a in args]
            named = {k: const_value(v) for k, v in kwargs.items()}
        except LookupError:
            kind = _container_kind(args)
            if qualname == "builtins.isinstance" and kind is not None:
                return Const(kind[0] == kind[1], self.render(node))
            tested = _builtin_type_test(args) if qualname == "builtins.isinstance" else None
            if tested is not None:
                return Const(tested, self.render(node))
            if qualname == "builtins.len" and args and isinstance(args[0], SequenceVal):
                return Const(len(args[0].items), self.render(node))
            if (
                qualname in ("builtins.list", "builtins.tuple")
                and args
                and isinstance(args[0], SequenceVal)
            ):
                return args[0]
            paired = self._pairs(qualname, args, kwargs, node)
            return paired if paired is not None else Opaque(self.render(node))
        try:
            result = PURE_BUILTINS[qualname.removeprefix("builtins.")](*plain, **named)
            if isinstance(result, range) and len(result) > MAX_UNROLL:
                return Opaque(self.render(node))
            if isinstance(result, (range, enumerate, zip, reversed)) or hasattr(result, "__next__"):
                result = list(result)
        except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, MemoryError):
            return Opaque(self.render(node))  # the call fails at run time too; not ours to judge
        return Const(result, self.render(node))

    def _pairs(
        self, qualname: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> SequenceVal | None:
        """``enumerate`` and ``zip`` over known items that are not all constants (a list of
        dicts of block arguments): the tuples a loop over them unpacks."""
        if qualname not in ("builtins.enumerate", "builtins.zip") or kwargs or not args:
            return None
        columns: list[list[Value]] = []
        for arg in args:
            items = iterate(arg)
            if items is None:
                return None
            columns.append(items)
        if qualname == "builtins.enumerate":
            if len(columns) != 1:
                return None
            columns.insert(0, [Const(i, str(i)) for i in range(len(columns[0]))])
        rows = zip(*columns, strict=False)  # as zip does: the shortest decides
        text = self.render(node)
        return SequenceVal([SequenceVal(list(row), "tuple", text) for row in rows], "list", text)

    def call_function(
        self, func: FunctionVal, args: list[Value], kwargs: dict[str, Value], explore: bool = False
    ) -> Value:
        frame, nested = self.function_frame(func, args, kwargs)
        return self.invoke(func, frame, nested)

    def function_frame(
        self, func: FunctionVal, args: list[Value], kwargs: dict[str, Value]
    ) -> tuple[Frame, bool]:
        """The frame a call of ``func`` runs in, its parameters bound; and whether the function
        is nested in the running block (its statements count as the one that called it)."""
        if len(self.stack) > 50:
            raise Unsupported("recursion too deep to follow", self.line(func.node))
        outer = self.frame
        block = func.node.name.value if func.closure is self.module_frame else outer.block
        frame = Frame(block, func.closure)
        self.bind_params(func.node.params, args, kwargs, frame)
        # A snapshot: the body may change a list or dict it was given (``args.pop("repeats")``).
        frame.entry = {name: copied(value, deep=True) for name, value in frame.vars.items()}
        nested = block == outer.block and not func.closure.is_module
        if nested:
            frame.statement = outer.statement
        return frame, nested

    def call_helper(
        self,
        func: FunctionVal,
        args: list[Value],
        kwargs: dict[str, Value],
        node: cst.Call,
        written: Sequence[cst.Arg] | None = None,
    ) -> Value:
        """A call of a module-level function: recorded as an Invocation, so that what it builds
        can be written back as one block. ``written``: its arguments, where not ``node``'s."""
        builder = self.builder
        invocation_id = builder.new_id("c")
        parent = builder.within
        local = self.block_frame()
        in_loop = self.in_loop_body()
        written = node.args if written is None else written
        if any(arg.star for arg in written):  # ``block(x, **args)``: each item, as its value
            keywords: list[str | None] = [None] * len(args) + list(kwargs)
            arguments = tuple(
                CallArgument(keyword, text, text, tensor_of(value))
                for keyword, value in zip(keywords, [*args, *kwargs.values()], strict=True)
                for text in [_written(value)]
            )
        else:
            arguments = tuple(
                self._call_argument(arg, value, local, in_loop)
                for arg, value in zip(written, [*args, *kwargs.values()], strict=True)
            )
        builder.calling.append(invocation_id)
        self.helper_bodies[invocation_id] = func.node
        made_before = len(self.records)
        try:
            frame, _ = self.function_frame(func, args, kwargs)
            returned = self.invoke(func, frame)
        except Unsupported as problem:
            # A model the function built before kcg lost track of it is not the whole story
            # (weights loaded after it, statements that change it): it is refused for this.
            for record in self.records[made_before:]:
                record.unknown = record.unknown or problem
            raise
        finally:
            builder.calling.pop()
        comments, trailing = self.take_comments()
        params = func.node.params
        simple = not params.posonly_params and not isinstance(params.star_arg, cst.Param)
        simple = simple and params.star_kwarg is None
        signature = [*params.params, *params.kwonly_params]
        given = {**dict(zip((p.name.value for p in params.params), args, strict=False)), **kwargs}
        builder.invocations[invocation_id] = Invocation(
            invocation_id,
            func.node.name.value,
            parent,
            tuple(
                (p.name.value, self.code(p.default) if p.default is not None else None)
                for p in signature
            )
            if simple
            else None,
            tuple(
                p.name.value for p in signature if isinstance(given.get(p.name.value), TensorVal)
            ),
            arguments,
            tensor_ids(returned),
            self.span(node),
            branches=syntax.branches(func.node),
            comments=comments,
            trailing_comment=trailing,
            conditions=tuple(self.conditions.pop(invocation_id, ())),
            keyword_only=tuple(p.name.value for p in params.kwonly_params),
            rebound=tuple(p for p in syntax.rebound_parameters(func.node) if p in frame.rebound),
            derived=derived_locals(self.code(func.node)),
            arms=tuple(self.arms.pop(invocation_id, ())),
            callee=node.func.value if isinstance(node.func, cst.Name) else None,
            called=syntax.called_parameters(func.node),
            picks=tuple(self.code(test) for test in syntax.picking_tests(func.node)),
        )
        return returned

    def note_arm(self, statement: cst.If, taken: bool) -> None:
        """Record how the running helper call decided an ``if`` or ``elif`` of a chain of its
        body (``syntax.chain_if``): its calls fold by the branches they took."""
        call = self.builder.within
        body = self.helper_bodies.get(call or "")
        if call is None or body is None or self.block_frame() is not self.frame:
            return
        if id(statement) in syntax.chain_links(body):
            decided = (self.line(statement), self.code(statement.test), taken)
            self.arms.setdefault(call, []).append(decided)

    def _call_argument(
        self, arg: cst.Arg, value: Value, local: Frame, in_loop: bool
    ) -> CallArgument:
        """A helper call's argument as the caller's code writes it; its value where it reads a
        tensor's shape (``x.shape[channel_axis]``), since a block class is made where there are
        no tensors, or calls a function local to a function (MobileNetV3's ``depth(16)``)."""
        keyword = arg.keyword.value if arg.keyword else None
        source = self.code(arg.value) if in_loop else None
        tensor = tensor_of(value)
        reads_tensor = tensor is None and self.reads_tensor(arg.value)
        if reads_tensor or (tensor is None and calls_local_function(arg.value, self.frame)):
            written = literal_text(value)  # a block class's caller cannot call ``depth(16)``
            if written is not None:
                return CallArgument(keyword, written, written, None, source)
        text, local_text = self.render(arg.value), self.render(arg.value, local)
        return CallArgument(keyword, text, local_text, tensor, source, reads_tensor=reads_tensor)

    def invoke(self, func: FunctionVal, frame: Frame, nested: bool = False) -> Value:
        """Run a function body in ``frame``; its return value. A nested function's statements count
        as the statement that called it. Positions are looked for where the function is defined."""
        node = func.node
        self.stack.append(frame)
        caller, self.positions.near = self.positions.near, func.home
        try:
            if nested:
                self.exec_nested(node.body.body)
            else:
                self.exec_block(node.body.body, frame)  # type: ignore[arg-type]
        except Return as result:
            return result.value
        finally:
            self.stack.pop()
            self.positions.near = caller
        return Const(None, "None")

    def bind_params(
        self, params: cst.Parameters, args: list[Value], kwargs: dict[str, Value], frame: Frame
    ) -> None:
        positional = [*params.posonly_params, *params.params]

        def by_keyword(param: cst.Param) -> Value:
            name = param.name.value
            if name in kwargs:
                return kwargs[name]
            if param.default is not None:
                return self.eval_in(param.default, frame.parent or self.module_frame)
            return Opaque(name)

        for index, param in enumerate(positional):
            given = args[index] if index < len(args) else None
            frame.vars[param.name.value] = given if given is not None else by_keyword(param)
        for param in params.kwonly_params:
            frame.vars[param.name.value] = by_keyword(param)
        if isinstance(params.star_arg, cst.Param):
            frame.vars[params.star_arg.name.value] = SequenceVal(
                args[len(positional) :], "tuple", "()"
            )
        if params.star_kwarg is not None:
            frame.vars[params.star_kwarg.name.value] = Opaque("{}")

    def call_method(
        self, method: Method, args: list[Value], kwargs: dict[str, Value], node: cst.Call
    ) -> Value:
        owner, name = method.owner, method.name
        made = self.keras_method(owner, name, args, kwargs, node)
        if made is not None:
            return made
        if isinstance(owner, Const) and isinstance(owner.value, str) and name in STRING_METHODS:
            try:  # `name.split("-")[-1].startswith("b")`: a block's name decides what it holds
                plain = [const_value(a) for a in args]
                named = {k: const_value(v) for k, v in kwargs.items()}
                return Const(getattr(owner.value, name)(*plain, **named), self.render(node))
            except (LookupError, TypeError, ValueError):
                return Opaque(self.render(node))
        if isinstance(owner, DictVal) and name in ("get", "pop") and 1 <= len(args) <= 2:
            return self._dict_lookup(owner, name, args, node)
        if isinstance(owner, SequenceVal) and name in ("append", "extend") and args:
            start = len(owner.items)
            owner.items.extend([args[0]] if name == "append" else (iterate(args[0]) or []))
            self.place_items(owner, start)
            return Const(None, "None")
        return Opaque(self.render(node))

    def _dict_lookup(self, owner: DictVal, name: str, args: list[Value], node: cst.Call) -> Value:
        """``args.pop("repeats")``, ``config.get("strides", 1)`` on a dict of known keys: the
        item (``pop`` removes it, as EfficientNet's block loop relies on)."""
        key = constant(args[0])
        if key is None:
            return Opaque(self.render(node))
        for index, (item_key, _, value) in enumerate(owner.items):
            if item_key == key.value:
                if name == "pop":
                    del owner.items[index]
                return value
        if len(args) == 2:
            return args[1]
        raise Unsupported(
            f"`{self.render(node)}` looks up a key the dict does not have", self.line(node)
        )


def _expanded(value: Value, star: str) -> tuple[list[Value], dict[str, Value]] | None:
    """What ``*value`` or ``**value`` passes, where the container is known."""
    if star == "*":
        items = iterate(value)
        return None if items is None else (items, {})
    if isinstance(value, DictVal) and all(isinstance(key, str) for key, _, _ in value.items):
        return [], {key: item for key, _, item in value.items}
    return None


def tensor_of(value: Value) -> str | None:
    return value.tensor_id if isinstance(value, TensorVal) else None


def _written(value: Value) -> str:
    """An argument passed in a ``**dict`` as code: its value where it is a literal."""
    found = constant(value)
    if found is not None and syntax.is_literal(repr(found.value)):
        return repr(found.value)
    return value.text


_CONTAINERS = {"builtins.dict": "dict", "builtins.list": "list", "builtins.tuple": "tuple"}


# Functions of ``math`` that only compute; builders size their stages with them.
_MATH: dict[str, Callable[..., object]] = {
    f"math.{name}": getattr(math, name)
    for name in ("ceil", "floor", "sqrt", "log", "log2", "exp", "pow", "gcd", "isclose")
}
_TYPES: dict[str, type] = {
    f"builtins.{t.__name__}": t for t in (int, float, str, bool, tuple, list, dict)
}


def _builtin_type_test(args: list[Value]) -> bool | None:
    """``isinstance(kernel_size, int)`` on a constant, asked with a builtin type (or a tuple of
    them): its answer; None otherwise."""
    value = constant(args[0]) if len(args) == 2 else None
    if value is None:
        return None
    asked = args[1].items if isinstance(args[1], SequenceVal) else [args[1]]
    types = [_TYPES.get(t.qualname) if isinstance(t, Symbol) else None for t in asked]
    if not all(types):
        return None
    return isinstance(value.value, tuple(t for t in types if t is not None))


def _container_kind(args: list[Value]) -> tuple[str, str] | None:
    """``isinstance(inputs, dict)`` on a value the interpreter made: (what it is, what is asked)."""
    if len(args) != 2 or not isinstance(args[1], Symbol) or args[1].qualname not in _CONTAINERS:
        return None
    value = args[0]
    if isinstance(value, SequenceVal):
        return value.kind, _CONTAINERS[args[1].qualname]
    if isinstance(value, DictVal):
        return "dict", _CONTAINERS[args[1].qualname]
    if isinstance(value, TensorVal):
        return "tensor", _CONTAINERS[args[1].qualname]
    return None
