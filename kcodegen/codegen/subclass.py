"""IR -> a subclassed model: layers created in ``__init__``, wired in ``call()``; and the block
classes that helpers fold into (``outline``), with their ``if``s, and loops kept as list attributes."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from kcodegen.analysis import functional_layer_order
from kcodegen.analysis.input_chain import chain_from_input
from kcodegen.codegen.conditions import BlockCondition, in_build
from kcodegen.codegen.emit import (
    INDENT,
    WIDTH,
    Generated,
    Line,
    arg_text,
    binding_prefix,
    call_text,
    carry_out,
    carry_variable,
    constructor,
    fed_by_input,
    indented,
    input_expression,
    loop_statement,
    model_name_kwarg,
    render,
    result_target,
    structure_text,
    wanted_name,
)
from kcodegen.codegen.helper_locals import with_assignments
from kcodegen.codegen.imports import ImportPlan
from kcodegen.codegen.inline import Inliner
from kcodegen.codegen.keys import names_in
from kcodegen.codegen.loops import KeptLoop, kept_loops
from kcodegen.codegen.naming import TensorNames, class_name, layer_attributes, loop_attributes
from kcodegen.codegen.outline import outline
from kcodegen.frontend.keras_api import BUILT_BEFORE_CALL, TRAINING_LAYERS
from kcodegen.frontend.syntax import quoted
from kcodegen.ir import ArgScope, LayerSpec, ModelGraph, Node, Op

# A generated class takes these already (``name=``) or cannot take them as parameters.
_RESERVED_PARAMETERS = frozenset({"self", "kwargs", "name", "trainable", "dtype"})
# The variable a builder that returned its model keeps the built subclass in until it returns it.
_RETURNED = "model"


def emit_subclassing(graph: ModelGraph, plan: ImportPlan, taken_names: set[str]) -> Generated:
    graph, blocks = outline(graph, taken_names)
    trained: set[str] = set()  # block classes whose call() takes ``training``
    definitions: list[str] = []
    for block in blocks:
        parameters = {written.split("=", 1)[0] for written in block.parameters} - {"*"}
        context = _class_context(
            block.graph,
            plan,
            block.local,
            trained,
            block=True,
            conditions=block.conditions,
            parameters=parameters,
            built=block.built,
            derived=block.derived,
        )
        if context.pop("trains"):
            trained.add(block.class_name)
        definitions.append(
            render(
                "subclassing",
                class_name=block.class_name,
                base=plan.ref("keras.layers.Layer"),
                init_signature=_signature([*block.parameters, *context.pop("nested")]),
                super_args="name=name, **kwargs" if "name" in parameters else "**kwargs",
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
            init_signature=_signature([*nested, *passed]),
            super_args="name=name, **kwargs" if "name" in passed else "**kwargs",
            **context,
        )
    )
    # A builder that returned its model built returns the subclass built too: ``count_params()``,
    # ``save_weights`` and ``summary()`` after it need weights before the first call on data.
    holder = graph.site.binding or _RETURNED
    build = _symbolic_build(graph, plan, holder)
    returned = graph.site.binding is None and build is not None
    body = render(
        "instantiate",
        target=f"{holder} = " if returned else binding_prefix(graph),
        returned=holder if returned else None,
        class_name=name,
        arguments=", ".join(
            [
                *nested.values(),  # first, as ``__init__`` takes them
                *(f"{param}={param}" for param in passed),
                *(model_name_kwarg(graph) if "name" not in passed else ()),
            ]
        ),
        model_comments=graph.call_comments,
        build=build,
    )
    if not (graph.site.followed or graph.site.derived):  # nothing a converted builder checks
        return Generated(body, "\n\n".join(definitions))
    frozen = _read_by_layers(graph, but=keep_names)
    if build:  # the input's shape reads them, but a layer may hold a value computed from it
        frozen |= names_in([build])
    unneeded = frozenset() if build else frozenset(graph.site.parameters) - _read_by_layers(graph)
    return Generated(body, "\n\n".join(definitions), frozen, unneeded)


def _signature(parameters: list[str]) -> str:
    """``__init__``'s parameters: on its line, or one a line where that line would be too long."""
    every = ["self", *parameters, "**kwargs"]
    flat = ", ".join(every)
    if len(f"{INDENT}def __init__({flat}):") <= WIDTH:
        return flat
    return "\n" + "".join(f"{INDENT * 2}{parameter},\n" for parameter in every) + INDENT


def _class_context(
    graph: ModelGraph,
    plan: ImportPlan,
    keep_names: set[str] | frozenset[str],
    trained: set[str],
    block: bool = False,
    conditions: tuple[BlockCondition, ...] = (),
    parameters: set[str] | None = None,
    built: bool = False,
    derived: tuple[tuple[str, str], ...] = (),
) -> dict:
    """What the subclassing template needs for ``graph``: layers created in ``__init__``, wired in
    ``call()``. Layers in ``keep_names`` keep the names of the function the graph was built in. A
    ``block`` takes its tensors as separate ``call()`` parameters, as its helper did. A loop kept
    as a loop keeps its layers in a list attribute, built by the loop's own comprehension. A
    block ``built`` from its input's shape makes its layers in ``build()``, in the same order;
    it assigns the names of its helper (``derived``) its layers read, as the helper did."""
    if graph.style == "functional":
        order = _with_unreached(graph, functional_layer_order(graph))
    else:
        order = [layer.id for layer in graph.layers]
    inliner = Inliner(graph)
    loops = {kept.body[0].id: kept for kept in kept_loops(graph, inliner.inlined, at_site=False)}
    in_loops = {step for kept in loops.values() for step in kept.steps}
    looped = {
        step.layer
        for kept in loops.values()
        for step in map(graph.step_by_id.get, kept.steps)
        if isinstance(step, Node)
    }
    # a block made in build() keeps its parameters as attributes: its layers take other names
    reserved = (parameters or set()) if built else set()
    unlooped = [layer_id for layer_id in order if layer_id not in looped]
    attributes = layer_attributes(graph, unlooped, reserved)
    lists = loop_attributes([kept.layers for kept in loops.values()], set(attributes.values()))
    listed = {kept.layers[0].id: (kept, *lists[i]) for i, kept in enumerate(loops.values())}
    init_lines: list[str] = []
    nested: dict[str, str] = {}  # models used as layers come in as __init__ parameters
    guarded = {layer_id for condition in conditions for layer_id in condition.layers}
    # in build() the parameters are attributes, but not the helper's names the class assigns
    rewritten = (parameters or set()) - {name for name, _ in derived}
    tensor = graph.inputs[0].name if block and graph.inputs else None
    in_shape = (tensor or "", rewritten) if built else None
    guarded_init, build_lines = _conditional_layers(
        graph, plan, conditions, attributes, rewritten, in_shape
    )
    if not block:
        build_lines.extend(_built_first(graph, attributes))
    for layer_id in order:
        layer = graph.layer_by_id[layer_id]
        if layer_id in guarded:
            init_lines.extend(guarded_init.get(layer_id, ()))
            continue
        if layer_id in listed:
            kept, attr, _ = listed[layer_id]
            init_lines.append(indented(_layer_list(graph, plan, kept, attr), INDENT * 2))
            continue
        if layer_id in looped:
            continue
        attr = attributes[layer_id]
        if layer.in_place:
            init_lines.append(f"self.{attr} = {indented(layer.callee, INDENT * 2)}")
            continue
        if layer.is_model:
            nested[attr] = layer.callee
            init_lines.append(f"self.{attr} = {attr}")
            continue
        ctor = constructor(
            layer,
            plan,
            as_class=True,
            drop_shape=fed_by_input(graph, layer_id),
            site=graph.site.function if layer_id in keep_names else "",
            indent=len(f"{INDENT * 2}self.{attr} = "),
        )
        if in_shape is not None:
            ctor = in_build(ctor, in_shape[1], in_shape[0])
        init_lines.extend(layer.comments)
        init_lines.append(f"self.{attr} = {indented(ctor, INDENT * 2)}")
        init_lines.extend(f"self.{attr}.{key} = {value}" for key, value in layer.attrs)
    if in_shape is not None:  # the layers move to build()
        build_lines = init_lines + build_lines
        init_lines = []
    if block:  # the helper's names they read, and the parameters build() reads
        init_lines, build_lines = with_assignments(
            init_lines, build_lines, derived, parameters or set(), tensor
        )
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
            if inliner.absorb(step, expression):
                return None
        else:
            expression = inliner.render(step, names)
            if inliner.absorb(step, expression):
                return None
        return result_target(graph, names, step.outputs[0], forced), expression, step

    own = {layer_id: f"self.{attr}" for layer_id, attr in attributes.items()}
    lines: list[Line] = [Line(code) for code in unpack]
    pending: list[tuple[str, str, Node | Op] | Line] = []
    first_of = {condition.steps[0]: condition for condition in conditions}
    under_if = {step for condition in conditions for step in condition.steps}
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if step_id in first_of:
            condition = first_of[step_id]
            previous = names.name_of[condition.otherwise]
            wanted = (  # ``if ...: return layers.Add()([x, h])`` then ``return h``: h either way
                previous
                if condition.result in graph.output_structure.tensors
                else wanted_name(graph, condition.result, "x")
            )
            if wanted == previous and set(graph.consumers[condition.otherwise]) <= set(
                condition.steps
            ):  # ``if ...: x = self.batch_normalization(x)``: x holds the result either way
                names.hold(condition.result, previous)
                result = previous
            else:
                result = names.assign(condition.result, wanted)
                pending.append(Line(f"{result} = {previous}"))
            body = [
                entry(graph.step_by_id[s], own, {condition.result: result})  # type: ignore[arg-type]
                for s in condition.steps
            ]
            written = [
                Line(f"{target} = {code}", *inliner.comments(s))
                for target, code, s in filter(None, body)
            ]
            test = f"if {own[condition.layers[0]]} is not None:"
            pending.append(Line(indented(loop_statement(test, written).code, INDENT * 2)))
        elif step_id in under_if:
            continue
        elif step_id in loops:
            kept = loops[step_id]
            _, attr, items = listed[kept.layers[0].id]
            carry, before = carry_variable(graph, names, kept, live_inputs=False)
            pending.extend(before)
            callee = {layer.id: item for layer, item in zip(kept.layers, items, strict=True)}
            body = [entry(s, callee, {kept.body_out: carry}) for s in kept.body]
            written = [
                Line(f"{target} = {code}", *inliner.comments(s))
                for target, code, s in filter(None, body)
            ]
            variables = items[0] if len(items) == 1 else ", ".join(items)
            header = f"for {variables} in self.{attr}:"
            if len(header) + len(INDENT * 2) > WIDTH:  # one name a line, as black writes it
                listed_names = "".join(f"{INDENT}{item},\n" for item in items)
                header = f"for (\n{listed_names}) in self.{attr}:"
            loop = loop_statement(header, written, kept.loop.comments)
            pending.append(Line(indented(loop.code, INDENT * 2), loop.comments))
            carry_out(names, kept, carry)
        elif isinstance(step, Node | Op) and step_id not in in_loops:
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


def _with_unreached(graph: ModelGraph, order: list[str]) -> list[str]:
    """``order`` with the layers no output reaches, each before the first reached layer the
    graph makes after it: a block's layer under an ``if`` whose result the class reads only
    where a later ``if`` is not taken (ResNetV2's projected shortcut, which an ``if`` that pools
    the input in its place follows)."""
    reached = set(order)
    if len(reached) == len(graph.layers):
        return order
    placed = list(order)
    waiting: list[str] = []
    for layer in graph.layers:
        if layer.id not in reached:
            waiting.append(layer.id)
        elif waiting:
            at = placed.index(layer.id)
            placed[at:at] = waiting
            waiting = []
    return placed + waiting


def _conditional_layers(
    graph: ModelGraph,
    plan: ImportPlan,
    conditions: tuple[BlockCondition, ...],
    attributes: dict[str, str],
    parameters: set[str],
    in_shape: tuple[str, set[str]] | None = None,
) -> tuple[dict[str, list[str]], list[str]]:
    """Lines that make a block's layers under its ``if``s: the ``if``s for ``__init__`` (where
    their first layer would be), and those for ``build()``, for tests that read the input's
    shape (``with_assignments`` keeps the parameters it reads as attributes). Where the
    block makes every layer in ``build()`` (``in_shape``: its tensor and parameters), each ``if``
    stays where its first layer is, and reads the attributes."""
    init: dict[str, list[str]] = {}  # first layer made under an if -> the lines that make it
    build: list[str] = []
    for condition in conditions:
        apart = condition.in_build and in_shape is None
        lines = build if apart else init.setdefault(condition.layers[0], [])
        lines.extend(f"self.{attributes[layer_id]} = None" for layer_id in condition.layers)
        test = condition.test
        if in_shape is not None and not condition.in_build:
            test = in_build(test, parameters)
        lines.append(f"if {test}:")
        for layer_id in condition.layers:
            ctor = constructor(
                graph.layer_by_id[layer_id],
                plan,
                as_class=True,
                site=graph.site.function,
                indent=len(f"{INDENT * 3}self.{attributes[layer_id]} = "),
            )
            if condition.in_build or in_shape is not None:
                ctor = in_build(ctor, parameters, in_shape[0] if in_shape else None)
            lines.append(f"{INDENT}self.{attributes[layer_id]} = {indented(ctor, INDENT * 3)}")
    return init, build


def _built_first(graph: ModelGraph, attributes: dict[str, str]) -> list[str]:
    """``self.normalization.build(self.rescaling.compute_output_shape(input_shape))``: the layers
    the model's ``build()`` builds before its first, symbolic, call (see ``input_chain``)."""
    lines: list[str] = []
    for node in graph.nodes:
        if graph.layer_by_id[node.layer].cls not in BUILT_BEFORE_CALL:
            continue
        chain = chain_from_input(graph, node)
        if chain is None:
            continue
        if len(chain) > 1:  # one line per layer on the way
            lines.append(
                f"shape = self.{attributes[chain[0].layer]}.compute_output_shape(input_shape)"
            )
            lines.extend(
                f"shape = self.{attributes[s.layer]}.compute_output_shape(shape)" for s in chain[1:]
            )
            lines.append(f"self.{attributes[node.layer]}.build(shape)")
            continue
        shape = "input_shape"
        for step in chain:
            shape = f"self.{attributes[step.layer]}.compute_output_shape({shape})"
        lines.append(f"self.{attributes[node.layer]}.build({shape})")
    return lines


def _layer_list(graph: ModelGraph, plan: ImportPlan, kept: KeptLoop, attr: str) -> str:
    """``self.dense_layers = [layers.Dense(units) for units in HEAD_UNITS]``: the layers of every
    pass, made by the loop's own comprehension (a tuple per pass when it makes several)."""

    def ctors(indent: int) -> list[str]:
        return [
            constructor(
                layer,
                plan,
                as_class=True,
                drop_shape=fed_by_input(graph, layer.id),
                indent=indent,
            )
            for layer in kept.layers
        ]

    def wrapped() -> str:
        """One constructor a line, each wrapped as needed."""
        if len(kept.layers) == 1:
            return ctors(len(INDENT * 3))[0]
        lines = "".join(f"{INDENT}{indented(c, INDENT)},\n" for c in ctors(len(INDENT * 4)))
        return f"(\n{lines})"

    flat = ctors(0)
    item = flat[0] if len(flat) == 1 else f"({', '.join(flat)})"
    loop = f"for {kept.loop.target} in {kept.loop.iterable}"
    if kept.assignments:  # names each pass computes first: a loop that appends, not a comprehension
        if len(item) + len(f"{INDENT * 3}self.{attr}.append()") > WIDTH:
            item = wrapped()
        body = [*kept.assignments, f"self.{attr}.append({item})"]
        inner = "\n".join(INDENT + indented(line, INDENT) for line in body)
        return f"self.{attr} = []\n{loop}:\n{inner}"
    line = f"self.{attr} = [{item} {loop}]"
    if len(line) + len(INDENT * 2) <= WIDTH:
        return line
    if len(item) + len(INDENT * 3) > WIDTH:
        item = wrapped()
    return f"self.{attr} = [\n{INDENT}{indented(item, INDENT)}\n{INDENT}{loop}\n]"


def builder_parameters(graph: ModelGraph) -> tuple[list[str], set[str]]:
    """The parameters of the function that builds the model which its layers' arguments read
    (``Dense(num_classes)``), and the layers that keep those names.

    The class takes them in ``__init__`` and the function passes them on, so that calling it with
    other arguments still builds the model they describe. A layer that reads another of the
    function's names (one it computes) is written with the values of the call kcg followed.
    """
    parameters = set(graph.site.parameters) - _RESERVED_PARAMETERS
    if _named_by_parameter(graph):  # ``name=f"{name}_fc"``: the class takes ``name`` too
        parameters.add("name")
    read: set[str] = set()
    keep: set[str] = set()
    for layer in graph.layers:
        written = layer.written_in(ArgScope.FUNCTION)
        if layer.scope != graph.site.function or written is None or layer.is_model:
            continue
        local = names_in(list(written.texts))
        valued = names_in(list(layer.arguments[0].texts))
        builders = local - valued  # the function's own names, which ``args`` has as values
        if builders and builders <= parameters:
            keep.add(layer.id)
            read |= builders
    return [p for p in (*graph.site.parameters, "name") if p in read & parameters], keep


def _named_by_parameter(graph: ModelGraph) -> bool:
    """The model is named by the builder's own ``name`` parameter (``Model(..., name=name)``)."""
    return graph.name_text == "name" and any(name == "name" for name, _, _ in graph.site.followed)


def _read_by_layers(graph: ModelGraph, but: AbstractSet[str] = frozenset()) -> frozenset[str]:
    """The builder's names the layer arguments read, but those of the layers in ``but`` (the
    others are written with the values of the call kcg followed, as are nested models built in
    place)."""
    read: set[str] = set()
    for layer in graph.layers:
        if layer.in_place:
            read |= layer.reads
            continue
        written = layer.written_in(ArgScope.FUNCTION)
        if layer.scope == graph.site.function and written is not None and layer.id not in but:
            read |= names_in(list(written.texts))
    return frozenset(read)


def _symbolic_build(graph: ModelGraph, plan: ImportPlan, holder: str) -> str | None:
    """``model(keras.Input(shape=...))`` on the variable ``holder``: a subclass has no weights
    until it is called (its ``build()`` creates none in Keras 3), and this call keeps the input
    shapes and dtypes in the code, where converting back finds them."""
    if any(spec.shape is None for spec in graph.inputs):
        return None
    by_tensor = {spec.tensor: spec for spec in graph.inputs}
    site = graph.site.function  # the call goes where the model was made, with its names
    inputs = {t: input_expression(by_tensor[t], plan, site=site) for t in by_tensor}
    structure = graph.input_structure
    flat = f"{holder}({structure_text(structure, inputs)})"
    if len(flat) <= WIDTH or structure.kind == "single":
        return flat if len(flat) <= WIDTH else call_text(holder, list(inputs.values()))
    items = [inputs[tensor] for tensor in structure.tensors]
    if structure.kind == "dict":
        items = [f"{key}: {item}" for key, item in zip(structure.keys, items, strict=True)]
    brackets = {"dict": "{}", "tuple": "()"}.get(structure.kind, "[]")
    lines = "".join(f"{INDENT * 2}{item},\n" for item in items)
    return f"{holder}(\n{INDENT}{brackets[0]}\n{lines}{INDENT}{brackets[1]}\n)"


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
    targets = ", ".join(unpacked)
    if not graph.takes_inputs_by_name:
        return param, [f"{targets} = {param}"]
    keys = (by_tensor[t].keras_name or "" for t in structure.tensors)
    by_name = ", ".join(f"{param}[{quoted(key)}]" for key in keys)
    return param, [
        f"if isinstance({param}, dict):  # keyed by the inputs' names",
        f"{INDENT}{targets} = {by_name}",
        "else:",
        f"{INDENT}{targets} = {param}",
    ]
