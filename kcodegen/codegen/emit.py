"""IR -> source text for each style: Python builds plain contexts, jinja2 templates lay them out."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

import jinja2

from kcodegen.analysis import functional_layer_order
from kcodegen.codegen.imports import ImportPlan
from kcodegen.codegen.inline import Inliner
from kcodegen.codegen.naming import TensorNames, class_name, layer_attributes
from kcodegen.codegen.outline import outline
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
    structure = graph.input_structure
    keys = dict(zip(structure.tensors, structure.keys, strict=False)) if structure.keys else {}
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if isinstance(step, InputSpec):
            name = names.assign(step.tensor, _input_variable(graph, step))
            code = input_expression(step, plan, keys.get(step.tensor), graph.site.function)
            inputs.append(f"{name} = {code}")
        elif isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
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
                lines.append(Line(f"{var} = {ctor}", layer.comments))
                lines.extend(Line(f"{var}.{attr} = {value}") for attr, value in layer.attrs)
            call_args = [arg_text(a, names) for a in step.args]
            call_args += [f"{k}={arg_text(a, names)}" for k, a in step.kwargs]
            if layer.id in defined:
                expression = call_text(defined[layer.id], call_args)
            elif layer.merge_function:
                expression = call_text(
                    layer.callee, [*call_args, *(f"{k}={v}" for k, v in layer.kwargs)]
                )
            else:
                expression = f"{constructor(layer, plan, drop_shape=drop, site=site)}({', '.join(call_args)})"
            target = names.assign(step.outputs[0], _wanted(graph, step.outputs[0], "x"))
            lines.append(Line(f"{target} = {expression}", step.comments, step.trailing_comment))
        elif isinstance(step, Op):
            rendered = inliner.render(step, names)
            if inliner.absorb(step, rendered):
                continue
            target = names.assign(step.outputs[0], _wanted(graph, step.outputs[0], "x"))
            lines.append(Line(f"{target} = {rendered}", *inliner.comments(step)))
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
        context = _class_context(block.graph, plan, block.local, trained, block=True)
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
) -> dict:
    """What the subclassing template needs for ``graph``: layers created in ``__init__``, wired in
    ``call()``. Layers in ``keep_names`` keep the names of the function the graph was built in. A
    ``block`` takes its tensors as separate ``call()`` parameters, as its helper did."""
    if graph.style == "functional":
        order = functional_layer_order(graph)
    else:
        order = [layer.id for layer in graph.layers]
    attributes = layer_attributes(graph, order)
    init_lines: list[str] = []
    nested: dict[str, str] = {}  # models used as layers come in as __init__ parameters
    for layer_id in order:
        layer = graph.layer_by_id[layer_id]
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
    names = TensorNames(graph, reserved={"self", "training"})
    params, unpack = _call_parameters(graph, names, positional=block)

    def takes_training(layer: LayerSpec) -> bool:
        return _takes_training(layer) or layer.cls in trained

    lines: list[Line] = [Line(code) for code in unpack]
    inliner = Inliner(graph)
    pending: list[tuple[str, str, Node | Op]] = []
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
            call_args = [arg_text(a, names) for a in step.args]
            call_args += [f"{k}={arg_text(a, names)}" for k, a in step.kwargs]
            if takes_training(layer) and not any(k == "training" for k, _ in step.kwargs):
                call_args.append("training=training")
            expression = call_text(f"self.{attributes[layer.id]}", call_args, indent=8)
        elif isinstance(step, Op):
            expression = inliner.render(step, names)
            if inliner.absorb(step, expression):
                continue
        else:
            continue
        target = names.assign(step.outputs[0], _wanted(graph, step.outputs[0], "x"))
        pending.append((target, expression, step))
    returned = structure_text(graph.output_structure, names.name_of)
    if graph.output_structure.kind == "tuple":
        returned = returned.strip("()").rstrip(",")
    if pending and graph.output_structure.kind == "single":
        target, expression, step = pending[-1]
        if (
            names.name_of[graph.output_structure.tensors[0]] == target
            and not graph.consumers[step.outputs[0]]
        ):
            pending.pop()
            returned = expression
    lines.extend(
        Line(f"{target} = {code}", *inliner.comments(step)) for target, code, step in pending
    )
    trains = any(takes_training(graph.layer_by_id[n.layer]) for n in graph.nodes)
    if trains:
        params += ", training=None"
    return {
        "init_lines": init_lines,
        "call_params": params,
        "lines": lines,
        "returned": returned,
        "nested": nested,
        "trains": trains,
    }


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
