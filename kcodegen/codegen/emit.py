"""IR -> source text for each style: Python builds plain contexts, jinja2 templates lay them out."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

import jinja2

from kcodegen.analysis import functional_layer_order
from kcodegen.codegen.imports import ImportPlan
from kcodegen.codegen.inline import Inliner
from kcodegen.codegen.loops import KeptLoop, kept_loops
from kcodegen.codegen.naming import TensorNames, class_name, layer_attributes, loop_attributes
from kcodegen.codegen.outline import BlockCondition, in_build, outline
from kcodegen.frontend.keras_api import TRAINING_LAYERS, snake_case
from kcodegen.ir import (
    Arg,
    InputSpec,
    LayerSpec,
    Literal_,
    Mapping_,
    ModelGraph,
    Node,
    Op,
    Seq,
    Structure,
    TensorRef,
)

_INDENT = " " * 4
_WIDTH = 99
# A generated class takes these already (``name=``) or cannot take them as parameters.
_RESERVED_PARAMETERS = frozenset({"self", "kwargs", "name", "trainable", "dtype"})


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kcodegen", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(template: str, **context: object) -> str:
    return _environment().get_template(f"{template}.py.j2").render(**context)


@dataclass
class Line:
    code: str
    comments: tuple[str, ...] = ()
    trailing: str | None = None


@dataclass
class Generated:
    """Code for one model: ``definition`` goes at module level (a class), ``body`` at the model's site."""

    body: str
    definition: str | None = None
    dropped_names: set[str] = field(default_factory=set)


# --- shared pieces --------------------------------------------------------------------------------
def constructor(
    layer: LayerSpec,
    plan: ImportPlan,
    *,
    as_class: bool = False,
    drop_shape: bool = False,
    site: str | None = None,
    indent: int = 0,
) -> str:
    """The expression that creates a layer, arguments exactly as the author wrote them.

    ``site`` is the function the code goes into: a layer made there keeps the names of that function.
    ``indent`` is how far the line reaches before the expression (for wrapping long calls).
    """
    callee = layer.callee
    if layer.is_model:
        return callee
    args, kwargs = layer.args, layer.kwargs
    if (
        site
        and site == layer.scope
        and layer.local_args is not None
        and layer.local_kwargs is not None
    ):
        args, kwargs = layer.local_args, layer.local_kwargs
    if layer.cls.startswith("keras.applications."):
        drop_shape = False  # a backbone's input_shape is part of its structure
    if layer.merge_function and as_class:
        head, _, _ = callee.rpartition(".")
        callee = f"{head}.{layer.cls.rsplit('.', 1)[-1]}" if head else plan.ref(layer.cls)
    dropped = ("input_shape", "input_dim") if drop_shape else ()
    parts = [*args, *(f"{k}={v}" for k, v in kwargs if k not in dropped)]
    return call_text(callee, parts, indent)


def call_text(callee: str, parts: list[str], indent: int = 0) -> str:
    """``f(a, b)``, or one argument per line when that would be too long (black's layout)."""
    single_line = [" ".join(p.split()) if "\n" in p else p for p in parts]
    flat = f"{callee}({', '.join(single_line)})"
    if len(flat) + indent <= _WIDTH or not parts:
        return flat
    hugged = ", ".join(single_line)
    if len(hugged) + indent <= _WIDTH and "\n" not in "".join(parts):
        return f"{callee}(\n{_INDENT}{hugged}\n)"
    inner = "".join(f"{_INDENT}{p},\n" for p in parts)
    return f"{callee}(\n{inner})"


def arg_text(arg: Arg, names: TensorNames) -> str:
    if isinstance(arg, TensorRef):
        return names.use(arg.tensor)
    if isinstance(arg, Literal_):
        return arg.text
    if isinstance(arg, Seq):
        inner = ", ".join(arg_text(a, names) for a in arg.items)
        if arg.kind == "list":
            return f"[{inner}]"
        return f"({inner},)" if len(arg.items) == 1 else f"({inner})"
    assert isinstance(arg, Mapping_)
    return "{" + ", ".join(f"{k}: {arg_text(a, names)}" for k, a in arg.items) + "}"


def structure_text(structure: Structure, names: dict[str, str]) -> str:
    items = [names[t] for t in structure.tensors]
    if structure.kind == "single":
        return items[0]
    if structure.kind == "dict":
        return (
            "{" + ", ".join(f"{k}: {v}" for k, v in zip(structure.keys, items, strict=False)) + "}"
        )
    if structure.kind == "tuple":
        return f"({', '.join(items)},)" if len(items) == 1 else f"({', '.join(items)})"
    return f"[{', '.join(items)}]"


def input_expression(
    spec: InputSpec, plan: ImportPlan, key: str | None = None, site: str | None = None
) -> str:
    """``keras.Input(...)`` as written; an input of a dict gets its key as its name, which Keras
    requires of a Functional model's dict inputs. ``site`` is the function the code goes into:
    an input made there keeps the names of that function (a builder's parameters)."""
    shape = spec.shape_text if spec.shape_text is not None else repr(spec.shape)
    if site and site == spec.scope and spec.local_shape_text is not None:
        shape = spec.local_shape_text
    parts = [f"shape={shape}", *(f"{k}={v}" for k, v in spec.kwargs)]
    if key is not None and spec.keras_name is None and "name" not in dict(spec.kwargs):
        parts.append(f"name={key}")
    return call_text(plan.ref("keras.Input"), parts)


def _fed_by_input(graph: ModelGraph, layer_id: str) -> bool:
    input_tensors = {spec.tensor for spec in graph.inputs}
    return any(set(graph.step_inputs(n)) & input_tensors for n in graph.nodes_of(layer_id))


def _input_variable(graph: ModelGraph, spec: InputSpec) -> str:
    """The input's own name, unless the author also gave it to a tensor computed from it
    (``call(self, x)`` then ``x = self.dense(x)``): Functional code keeps the input until
    ``keras.Model(...)``, so the input becomes ``inputs`` rather than every later ``x`` ``x_1``."""
    inputs = {s.tensor for s in graph.inputs}
    named = {t.name_hint for t in graph.tensors if t.id not in inputs and t.name_hint}
    if spec.name not in named:
        return spec.name
    taken = {s.name for s in graph.inputs} | named
    return "inputs" if len(graph.inputs) == 1 and "inputs" not in taken else f"{spec.name}_input"


def _wanted(graph: ModelGraph, tensor_id: str, default: str) -> str:
    hint = graph.tensor_by_id[tensor_id].name_hint
    if hint:
        return hint
    outputs = graph.output_structure.tensors
    if tensor_id in outputs:
        return "outputs" if len(outputs) == 1 else f"output_{outputs.index(tensor_id) + 1}"
    return default


def _indented(code: str, indent: str) -> str:
    """A multi-line expression placed at ``indent``: its continuation lines move with it."""
    return code.replace("\n", "\n" + indent)


def _binding_prefix(graph: ModelGraph) -> str:
    return f"{graph.site.binding} = " if graph.site.binding else "return "


def _model_name_kwarg(graph: ModelGraph) -> list[str]:
    return [f"name={graph.name_text or repr(graph.keras_name)}"] if graph.keras_name else []


# --- functional ---------------------------------------------------------------------------------
def emit_functional(graph: ModelGraph, plan: ImportPlan) -> Generated:
    names = TensorNames(graph, reserved=set(), inputs_live=True)
    inputs: list[str] = []
    lines: list[Line] = []
    defined: dict[str, str] = {}
    shared = {
        layer.id for layer in graph.layers if len(graph.nodes_of(layer.id)) > 1 or layer.attrs
    }
    layer_vars = TensorNames(graph, reserved=set())
    inliner = Inliner(graph)
    loops = {kept.body[0].id: kept for kept in kept_loops(graph, inliner.inlined)}
    looped = {step for kept in loops.values() for step in kept.steps}
    written = {layer.id: layer for kept in loops.values() for layer in kept.layers}
    structure = graph.input_structure
    keys = dict(zip(structure.tensors, structure.keys, strict=False)) if structure.keys else {}

    def step_lines(step: Node | Op, forced: dict[str, str]) -> list[Line]:
        """The statements of one step; ``forced`` names some results (a loop's carried tensor)."""
        if isinstance(step, Op):
            rendered = inliner.render(step, names)
            if inliner.absorb(step, rendered):
                return []
            target = _target(graph, names, step.outputs[0], forced)
            return [Line(f"{target} = {rendered}", *inliner.comments(step))]
        found: list[Line] = []
        layer = written.get(step.layer) or graph.layer_by_id[step.layer]
        drop = _fed_by_input(graph, layer.id)
        site = graph.site.function
        if layer.id in shared and layer.is_model and layer.callee.isidentifier():
            defined[layer.id] = layer.callee
        if layer.id in shared and layer.id not in defined:
            var = layer_vars.assign(
                layer.id, layer.var_name or snake_case(layer.cls.rsplit(".", 1)[-1])
            )
            defined[layer.id] = var
            ctor = constructor(layer, plan, drop_shape=drop, site=site)
            found.append(Line(f"{var} = {ctor}", layer.comments))
            found.extend(Line(f"{var}.{attr} = {value}") for attr, value in layer.attrs)
        call_args = [arg_text(a, names) for a in step.args]
        call_args += [f"{k}={arg_text(a, names)}" for k, a in step.kwargs]
        if layer.id in defined:
            expression = call_text(defined[layer.id], call_args)
        elif layer.merge_function:
            expression = call_text(
                layer.callee, [*call_args, *(f"{k}={v}" for k, v in layer.kwargs)]
            )
        else:
            expression = (
                f"{constructor(layer, plan, drop_shape=drop, site=site)}({', '.join(call_args)})"
            )
        target = _target(graph, names, step.outputs[0], forced)
        found.append(Line(f"{target} = {expression}", step.comments, step.trailing_comment))
        return found

    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if isinstance(step, InputSpec):
            name = names.assign(step.tensor, _input_variable(graph, step))
            code = input_expression(step, plan, keys.get(step.tensor), graph.site.function)
            inputs.append(f"{name} = {code}")
        elif step_id in loops:
            kept = loops[step_id]
            carry, before = _carry(graph, names, kept, live_inputs=True)
            lines.extend(before)
            inside = [line for s in kept.body for line in step_lines(s, {kept.body_out: carry})]
            lines.append(_loop_line(f"for {kept.loop.target} in {kept.loop.iterable}:", inside))
            _carry_out(names, kept, carry)
        elif step_id not in looped:
            lines.extend(step_lines(step, {}))
    parts = [
        f"inputs={structure_text(graph.input_structure, names.name_of)}",
        f"outputs={structure_text(graph.output_structure, names.name_of)}",
        *_model_name_kwarg(graph),
    ]
    model = _binding_prefix(graph) + call_text(plan.ref("keras.Model"), parts)
    body = render(
        "functional", inputs=inputs, lines=lines, model=model, model_comments=graph.call_comments
    )
    return Generated(body)


def _target(graph: ModelGraph, names: TensorNames, tensor: str, forced: dict[str, str]) -> str:
    if tensor in forced:
        names.hold(tensor, forced[tensor])
        return forced[tensor]
    return names.assign(tensor, _wanted(graph, tensor, "x"))


# --- loops kept as loops ------------------------------------------------------------------------
def _carry(
    graph: ModelGraph, names: TensorNames, kept: KeptLoop, live_inputs: bool
) -> tuple[str, list[Line]]:
    """The variable a kept loop carries its tensor in (``x``), and the line that starts it when
    the tensor before the loop must keep its own (``x = inputs``)."""
    before = kept.carried_in
    own = names.name_of[before]
    wanted = _wanted(graph, kept.carried_out, "x")
    is_input = before in graph.input_structure.tensors
    if (
        set(graph.consumers[before]) <= {step.id for step in kept.body}
        and before not in graph.output_structure.tensors
        and not (is_input and (live_inputs or own != wanted))  # x = seq, as authors write it
    ):
        return own, []
    key = f"{kept.loop.id}:carry"  # the loop reads the carry variable, the rest the tensor's own
    names.remaining[key] = sum(user in kept.steps for user in graph.consumers[before])
    names.alias[before] = key
    carry = names.assign(key, wanted)
    return carry, [Line(f"{carry} = {own}")]


def _carry_out(names: TensorNames, kept: KeptLoop, carry: str) -> None:
    """After the loop, its last pass's tensor is in the carry variable."""
    names.hold(kept.carried_out, carry)
    names.alias.pop(kept.carried_in, None)


def _loop_line(header: str, body: list[Line]) -> Line:
    """``for target in iterable:`` with ``body`` under it, as one multi-line statement."""
    statements: list[str] = []
    for line in body:
        statements.extend(line.comments)
        statements.append(line.code + (f"  {line.trailing}" if line.trailing else ""))
    inner = "\n".join(_INDENT + _indented(text, _INDENT) for text in statements)
    return Line(f"{header}\n{inner}")


# --- sequential ---------------------------------------------------------------------------------
def emit_sequential(graph: ModelGraph, plan: ImportPlan) -> Generated:
    entries: list[Line] = []
    spec = graph.inputs[0]
    if spec.shape is not None or spec.shape_text is not None:
        entries.append(Line(input_expression(spec, plan, site=graph.site.function)))
    before: list[Line] = []  # layers configured after creation (``base.trainable = False``)
    layer_vars = TensorNames(graph, reserved=set())
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
            code = constructor(
                layer,
                plan,
                as_class=True,
                drop_shape=bool(entries),
                site=graph.site.function,
                indent=len(_INDENT * 2) + 1,
            )
            comments = layer.comments + step.comments
            if layer.attrs:
                var = layer_vars.assign(
                    layer.id, layer.var_name or snake_case(layer.cls.rsplit(".", 1)[-1])
                )
                before.append(Line(f"{var} = {code}", comments))
                before.extend(Line(f"{var}.{attr} = {value}") for attr, value in layer.attrs)
                code, comments = var, ()
            entries.append(Line(_indented(code, _INDENT * 2), comments, step.trailing_comment))
    body = render(
        "sequential",
        before=before,
        target=_binding_prefix(graph),
        sequential=plan.ref("keras.Sequential"),
        entries=entries,
        name=(graph.name_text or repr(graph.keras_name)) if graph.keras_name else None,
        model_comments=graph.call_comments,
    )
    return Generated(body)


# --- subclassing --------------------------------------------------------------------------------
def emit_subclassing(graph: ModelGraph, plan: ImportPlan, taken_names: set[str]) -> Generated:
    graph, blocks = outline(graph, taken_names)
    trained: set[str] = set()  # block classes whose call() takes ``training``
    definitions: list[str] = []
    for block in blocks:
        context = _class_context(
            block.graph,
            plan,
            block.local,
            trained,
            block=True,
            conditions=block.conditions,
            parameters={written.split("=", 1)[0] for written in block.parameters},
        )
        if context.pop("trains"):
            trained.add(block.class_name)
        definitions.append(
            render(
                "subclassing",
                class_name=block.class_name,
                base=plan.ref("keras.layers.Layer"),
                init_params=[*block.parameters, *context.pop("nested")],
                super_args="name=name, **kwargs" if "name" in block.parameters else "**kwargs",
                **context,
            )
        )
    passed, keep_names = builder_parameters(graph)
    context = _class_context(graph, plan, keep_names, trained)
    context.pop("trains")
    nested = context.pop("nested")
    name = class_name(graph, taken_names)
    definitions.append(
        render(
            "subclassing",
            class_name=name,
            base=plan.ref("keras.Model"),
            init_params=[*passed, *nested],
            super_args="**kwargs",
            **context,
        )
    )
    body = render(
        "instantiate",
        target=_binding_prefix(graph),
        class_name=name,
        arguments=", ".join(
            [
                *(f"{param}={param}" for param in passed),
                *(argument for argument in nested.values()),
                *_model_name_kwarg(graph),
            ]
        ),
        model_comments=graph.call_comments,
        build=_symbolic_build(graph, plan),
    )
    return Generated(body, "\n\n".join(definitions))


def _class_context(
    graph: ModelGraph,
    plan: ImportPlan,
    keep_names: set[str] | frozenset[str],
    trained: set[str],
    block: bool = False,
    conditions: tuple[BlockCondition, ...] = (),
    parameters: set[str] | None = None,
) -> dict:
    """What the subclassing template needs for ``graph``: layers created in ``__init__``, wired in
    ``call()``. Layers in ``keep_names`` keep the names of the function the graph was built in. A
    ``block`` takes its tensors as separate ``call()`` parameters, as its helper did. A loop kept
    as a loop keeps its layers in a list attribute, built by the loop's own comprehension."""
    if graph.style == "functional":
        order = functional_layer_order(graph)
    else:
        order = [layer.id for layer in graph.layers]
    inliner = Inliner(graph)
    loops = {kept.body[0].id: kept for kept in kept_loops(graph, inliner.inlined)}
    looped = {
        step.layer
        for kept in loops.values()
        for step in map(graph.step_by_id.get, kept.steps)
        if isinstance(step, Node)
    }
    attributes = layer_attributes(graph, [layer_id for layer_id in order if layer_id not in looped])
    lists = loop_attributes([kept.layers for kept in loops.values()], set(attributes.values()))
    listed = {kept.layers[0].id: (kept, *lists[i]) for i, kept in enumerate(loops.values())}
    init_lines: list[str] = []
    nested: dict[str, str] = {}  # models used as layers come in as __init__ parameters
    guarded = {layer_id for condition in conditions for layer_id in condition.layers}
    parameter_lines, guarded_init, build_lines = _conditional_layers(
        graph, plan, conditions, attributes, parameters or set()
    )
    init_lines.extend(parameter_lines)
    for layer_id in order:
        layer = graph.layer_by_id[layer_id]
        if layer_id in guarded:
            init_lines.extend(guarded_init.get(layer_id, ()))
            continue
        if layer_id in listed:
            kept, attr, _ = listed[layer_id]
            init_lines.append(_indented(_layer_list(graph, plan, kept, attr), _INDENT * 2))
            continue
        if layer_id in looped:
            continue
        attr = attributes[layer_id]
        if layer.is_model:
            nested[attr] = layer.callee
            init_lines.append(f"self.{attr} = {attr}")
            continue
        ctor = constructor(
            layer,
            plan,
            as_class=True,
            drop_shape=_fed_by_input(graph, layer_id),
            site=graph.site.function if layer_id in keep_names else "",
            indent=len(f"{_INDENT * 2}self.{attr} = "),
        )
        init_lines.extend(layer.comments)
        init_lines.append(f"self.{attr} = {_indented(ctor, _INDENT * 2)}")
        init_lines.extend(f"self.{attr}.{key} = {value}" for key, value in layer.attrs)
    item_names = {name for _, items in lists for name in items}
    names = TensorNames(graph, reserved={"self", "training", *item_names})
    params, unpack = _call_parameters(graph, names, positional=block)

    def takes_training(layer: LayerSpec) -> bool:
        return _takes_training(layer) or layer.cls in trained

    def entry(
        step: Node | Op, callee: dict[str, str], forced: dict[str, str]
    ) -> tuple[str, str, Node | Op] | None:
        """(variable, expression, step) for one step, or None when it is written into another."""
        if isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
            call_args = [arg_text(a, names) for a in step.args]
            call_args += [f"{k}={arg_text(a, names)}" for k, a in step.kwargs]
            if takes_training(layer) and not any(k == "training" for k, _ in step.kwargs):
                call_args.append("training=training")
            expression = call_text(callee[layer.id], call_args, indent=8)
        else:
            expression = inliner.render(step, names)
            if inliner.absorb(step, expression):
                return None
        return _target(graph, names, step.outputs[0], forced), expression, step

    own = {layer_id: f"self.{attr}" for layer_id, attr in attributes.items()}
    lines: list[Line] = [Line(code) for code in unpack]
    pending: list[tuple[str, str, Node | Op] | Line] = []
    first_of = {condition.steps[0]: condition for condition in conditions}
    under_if = {step for condition in conditions for step in condition.steps}
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if step_id in first_of:
            condition = first_of[step_id]
            result = names.assign(condition.result, _wanted(graph, condition.result, "x"))
            pending.append(Line(f"{result} = {names.name_of[condition.otherwise]}"))
            body = [
                entry(graph.step_by_id[s], own, {condition.result: result})  # type: ignore[arg-type]
                for s in condition.steps
            ]
            written = [
                Line(f"{target} = {code}", *inliner.comments(s))
                for target, code, s in filter(None, body)
            ]
            test = f"if {own[condition.layers[0]]} is not None:"
            pending.append(Line(_indented(_loop_line(test, written).code, _INDENT * 2)))
        elif step_id in under_if:
            continue
        elif step_id in loops:
            kept = loops[step_id]
            _, attr, items = listed[kept.layers[0].id]
            carry, before = _carry(graph, names, kept, live_inputs=False)
            pending.extend(before)
            callee = {layer.id: item for layer, item in zip(kept.layers, items, strict=True)}
            body = [entry(s, callee, {kept.body_out: carry}) for s in kept.body]
            written = [
                Line(f"{target} = {code}", *inliner.comments(s))
                for target, code, s in filter(None, body)
            ]
            variables = items[0] if len(items) == 1 else ", ".join(items)
            loop = _loop_line(f"for {variables} in self.{attr}:", written)
            pending.append(Line(_indented(loop.code, _INDENT * 2)))
            _carry_out(names, kept, carry)
        elif isinstance(step, Node | Op) and step_id not in loops and not _in_loop(step_id, loops):
            found = entry(step, own, {})
            if found is not None:
                pending.append(found)
    returned = structure_text(graph.output_structure, names.name_of)
    if graph.output_structure.kind == "tuple":
        returned = returned.strip("()").rstrip(",")
    last = pending[-1] if pending else None
    if isinstance(last, tuple) and graph.output_structure.kind == "single":
        target, expression, step = last
        if (
            names.name_of[graph.output_structure.tensors[0]] == target
            and not graph.consumers[step.outputs[0]]
        ):
            pending.pop()
            returned = expression
    lines.extend(
        item
        if isinstance(item, Line)
        else Line(f"{item[0]} = {item[1]}", *inliner.comments(item[2]))
        for item in pending
    )
    trains = any(takes_training(graph.layer_by_id[n.layer]) for n in graph.nodes)
    if trains:
        params += ", training=None"
    return {
        "init_lines": init_lines,
        "build_lines": build_lines,
        "call_params": params,
        "lines": lines,
        "returned": returned,
        "nested": nested,
        "trains": trains,
    }


def _conditional_layers(
    graph: ModelGraph,
    plan: ImportPlan,
    conditions: tuple[BlockCondition, ...],
    attributes: dict[str, str],
    parameters: set[str],
) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Lines that make a block's layers under its ``if``s: the attributes ``build()`` reads (the
    parameters, which ``__init__`` keeps first), the ``if``s for ``__init__`` (where their first
    layer would be), and those for ``build()``, for tests that read the input's shape."""
    init: dict[str, list[str]] = {}  # first layer made under an if -> the lines that make it
    build: list[str] = []
    kept: set[str] = set()
    for condition in conditions:
        lines = build if condition.in_build else init.setdefault(condition.layers[0], [])
        lines.extend(f"self.{attributes[layer_id]} = None" for layer_id in condition.layers)
        lines.append(f"if {condition.test}:")
        for layer_id in condition.layers:
            ctor = constructor(
                graph.layer_by_id[layer_id], plan, as_class=True, site=graph.site.function
            )
            if condition.in_build:
                kept |= _names_in([ctor]) & parameters
                ctor = in_build(ctor, parameters)
            lines.append(f"{_INDENT}self.{attributes[layer_id]} = {_indented(ctor, _INDENT)}")
        if condition.in_build:
            kept |= {name for name in parameters if f"self.{name}" in condition.test}
    return [f"self.{name} = {name}" for name in sorted(kept)], init, build


def _in_loop(step_id: str, loops: dict[str, KeptLoop]) -> bool:
    return any(step_id in kept.steps for kept in loops.values())


def _layer_list(graph: ModelGraph, plan: ImportPlan, kept: KeptLoop, attr: str) -> str:
    """``self.dense_layers = [layers.Dense(units) for units in HEAD_UNITS]``: the layers of every
    pass, made by the loop's own comprehension (a tuple per pass when it makes several)."""

    def ctors(indent: int) -> list[str]:
        return [
            constructor(
                layer,
                plan,
                as_class=True,
                drop_shape=_fed_by_input(graph, layer.id),
                indent=indent,
            )
            for layer in kept.layers
        ]

    flat = ctors(0)
    item = flat[0] if len(flat) == 1 else f"({', '.join(flat)})"
    loop = f"for {kept.loop.target} in {kept.loop.iterable}"
    line = f"self.{attr} = [{item} {loop}]"
    if len(line) + len(_INDENT * 2) <= _WIDTH:
        return line
    if len(item) + len(_INDENT * 3) > _WIDTH:  # one constructor a line, each wrapped as needed
        if len(flat) == 1:
            item = ctors(len(_INDENT * 3))[0]
        else:
            wrapped = ctors(len(_INDENT * 4))
            item = "(\n" + "".join(f"{_INDENT}{_indented(c, _INDENT)},\n" for c in wrapped) + ")"
    return f"self.{attr} = [\n{_INDENT}{_indented(item, _INDENT)}\n{_INDENT}{loop}\n]"


def builder_parameters(graph: ModelGraph) -> tuple[list[str], set[str]]:
    """The parameters of the function that builds the model which its layers' arguments read
    (``Dense(num_classes)``), and the layers that keep those names.

    The class takes them in ``__init__`` and the function passes them on, so that calling it with
    other arguments still builds the model they describe. A layer that reads another of the
    function's names (one it computes) is written with the values of the call kcg followed.
    """
    parameters = set(graph.site.parameters) - _RESERVED_PARAMETERS
    read: set[str] = set()
    keep: set[str] = set()
    for layer in graph.layers:
        if layer.scope != graph.site.function or layer.local_args is None or layer.is_model:
            continue
        local = _names_in([*layer.local_args, *(v for _, v in layer.local_kwargs or ())])
        valued = _names_in([*layer.args, *(v for _, v in layer.kwargs)])
        builders = local - valued  # the function's own names, which ``args`` has as values
        if builders and builders <= parameters:
            keep.add(layer.id)
            read |= builders
    return [p for p in graph.site.parameters if p in read], keep


def _names_in(texts: list[str]) -> set[str]:
    names: set[str] = set()
    for text in texts:
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            continue
        names.update(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
    return names


def _symbolic_build(graph: ModelGraph, plan: ImportPlan) -> str | None:
    """``model(keras.Input(shape=...))``: a subclass has no weights until it is called (its
    ``build()`` creates none in Keras 3), and this call keeps the input shapes and dtypes in the
    code, where converting back finds them."""
    if graph.site.binding is None or any(spec.shape is None for spec in graph.inputs):
        return None
    by_tensor = {spec.tensor: spec for spec in graph.inputs}
    site = graph.site.function  # the call goes where the model was made, with its names
    inputs = {t: input_expression(by_tensor[t], plan, site=site) for t in by_tensor}
    structure = graph.input_structure
    flat = f"{graph.site.binding}({structure_text(structure, inputs)})"
    if len(flat) <= _WIDTH or structure.kind == "single":
        return flat if len(flat) <= _WIDTH else call_text(graph.site.binding, list(inputs.values()))
    items = [inputs[tensor] for tensor in structure.tensors]
    if structure.kind == "dict":
        items = [f"{key}: {item}" for key, item in zip(structure.keys, items, strict=True)]
    brackets = {"dict": "{}", "tuple": "()"}.get(structure.kind, "[]")
    lines = "".join(f"{_INDENT * 2}{item},\n" for item in items)
    return f"{graph.site.binding}(\n{_INDENT}{brackets[0]}\n{lines}{_INDENT}{brackets[1]}\n)"


def _takes_training(layer: LayerSpec) -> bool:
    return layer.cls in TRAINING_LAYERS or layer.cls.startswith("keras.applications.")


def _call_parameters(
    graph: ModelGraph, names: TensorNames, positional: bool
) -> tuple[str, list[str]]:
    """``call(self, inputs)``; several inputs arrive as one list or dict and are unpacked first,
    unless ``positional`` (a block: ``call(self, x, skip)``, as its helper took them)."""
    structure = graph.input_structure
    by_tensor = {spec.tensor: spec for spec in graph.inputs}
    if structure.kind == "single" or positional:
        return ", ".join(names.assign(t, by_tensor[t].name) for t in structure.tensors), []
    param = (
        names.assign("__inputs__", "inputs")
        if "inputs" not in {s.name for s in graph.inputs}
        else "inputs_"
    )
    unpacked = [names.assign(t, by_tensor[t].name) for t in structure.tensors]
    if structure.kind == "dict":
        return param, [
            f"{name} = {param}[{key}]" for name, key in zip(unpacked, structure.keys, strict=False)
        ]
    return param, [f"{', '.join(unpacked)} = {param}"]
