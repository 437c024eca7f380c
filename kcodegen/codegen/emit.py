"""IR -> source text for each style: Python builds plain contexts, jinja2 templates lay them out.

This module has the pieces every style uses, and the Functional and Sequential emitters; the
Subclassing one, with its block classes, is ``subclass``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import jinja2

from kcodegen.codegen.imports import ImportPlan
from kcodegen.codegen.inline import Inliner
from kcodegen.codegen.loops import KeptLoop, kept_loops
from kcodegen.codegen.naming import TensorNames
from kcodegen.frontend.keras_api import snake_case
from kcodegen.ir import (
    Arg,
    ArgScope,
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

INDENT = " " * 4
WIDTH = 99


def template_folder() -> Path:
    """The templates: inside the package in a wheel (the build maps the top-level ``templates/``
    there), at the top of the source tree in a checkout or an editable install."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "templates"
    return shipped if shipped.is_dir() else package.parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_folder()),
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
    # Parameters of the builder that some generated code holds as the values of the call kcg
    # followed (``name="net_fc"`` for ``name=f"{name}_fc"``): checked even when passed on.
    frozen: frozenset[str] = frozenset()
    # Parameters it has no use for: the input shape of a subclass that is built on first call.
    unneeded: frozenset[str] = frozenset()


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
    written = layer.written_in(ArgScope.FUNCTION)
    if site and site == layer.scope and written is not None:
        args, kwargs = written.args, written.kwargs
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
    if len(flat) + indent <= WIDTH or not parts:
        return flat
    hugged = ", ".join(single_line)
    if len(hugged) + indent <= WIDTH and "\n" not in "".join(parts):
        return f"{callee}(\n{INDENT}{hugged}\n)"
    inner = "".join(f"{INDENT}{p},\n" for p in parts)
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


def fed_by_input(graph: ModelGraph, layer_id: str) -> bool:
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


def wanted_name(graph: ModelGraph, tensor_id: str, default: str) -> str:
    hint = graph.tensor_by_id[tensor_id].name_hint
    if hint:
        return hint
    outputs = graph.output_structure.tensors
    if tensor_id in outputs:
        return "outputs" if len(outputs) == 1 else f"output_{outputs.index(tensor_id) + 1}"
    return default


def indented(code: str, indent: str) -> str:
    """A multi-line expression placed at ``indent``: its continuation lines move with it."""
    return code.replace("\n", "\n" + indent)


def binding_prefix(graph: ModelGraph) -> str:
    return f"{graph.site.binding} = " if graph.site.binding else "return "


def model_name_kwarg(graph: ModelGraph) -> list[str]:
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
    loops = {
        kept.body[0].id: kept
        for kept in kept_loops(graph, inliner.inlined, at_site=True, over_lists=True)
    }
    looped = {step for kept in loops.values() for step in kept.steps}
    written = {layer.id: layer for kept in loops.values() for layer in kept.layers}
    names.reserved |= {kept.loop.target for kept in loops.values() if kept.items}
    structure = graph.input_structure
    keys = dict(zip(structure.tensors, structure.keys, strict=False)) if structure.keys else {}

    def define(layer: LayerSpec) -> list[Line]:
        """``shared = layers.Dense(8)``: a layer called more than once gets a variable."""
        var = layer_vars.assign(
            layer.id, layer.var_name or snake_case(layer.cls.rsplit(".", 1)[-1])
        )
        defined[layer.id] = var
        ctor = constructor(
            layer, plan, drop_shape=fed_by_input(graph, layer.id), site=graph.site.function
        )
        return [
            Line(f"{var} = {ctor}", layer.comments),
            *(Line(f"{var}.{attr} = {value}") for attr, value in layer.attrs),
        ]

    def list_lines(kept: KeptLoop) -> tuple[str, list[Line]]:
        """The list a loop over a subclass's list of layers walks, and the layers every pass
        shares, made before the loop (as ``__init__`` made them before ``call()``)."""
        found = [line for layer in kept.shared if layer.id not in defined for line in define(layer)]
        if not kept.items:
            return kept.loop.iterable, found
        var = layer_vars.assign(f"{kept.loop.id}:items", kept.items_name or "layers_")
        defined[kept.items[0].id] = kept.loop.target  # the first pass's item is the loop's name
        ctors = [
            constructor(
                item, plan, drop_shape=fed_by_input(graph, item.id), site=graph.site.function
            )
            for item in kept.items
        ]
        flat = f"{var} = [{', '.join(ctors)}]"
        if len(flat) > WIDTH or any("\n" in ctor for ctor in ctors):
            flat = (
                f"{var} = [\n" + "".join(f"{INDENT}{indented(c, INDENT)},\n" for c in ctors) + "]"
            )
        return var, [*found, Line(flat)]

    def step_lines(step: Node | Op, forced: dict[str, str]) -> list[Line]:
        """The statements of one step; ``forced`` names some results (a loop's carried tensor)."""
        if isinstance(step, Op):
            rendered = inliner.render(step, names)
            if inliner.absorb(step, rendered):
                return []
            target = result_target(graph, names, step.outputs[0], forced)
            return [Line(f"{target} = {rendered}", *inliner.comments(step))]
        found: list[Line] = []
        layer = written.get(step.layer) or graph.layer_by_id[step.layer]
        drop = fed_by_input(graph, layer.id)
        site = graph.site.function
        if layer.id in shared and layer.is_model and layer.callee.isidentifier():
            defined[layer.id] = layer.callee
        if layer.id in shared and layer.id not in defined:
            found.extend(define(layer))
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
        if inliner.absorb(step, expression):
            return found  # written inside the operation that uses it: ``x + block(x)``
        target = result_target(graph, names, step.outputs[0], forced)
        found.append(Line(f"{target} = {expression}", *inliner.comments(step)))
        return found

    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if isinstance(step, InputSpec):
            name = names.assign(step.tensor, _input_variable(graph, step))
            code = input_expression(step, plan, keys.get(step.tensor), graph.site.function)
            inputs.append(f"{name} = {code}")
        elif step_id in loops:
            kept = loops[step_id]
            iterable, made_before = list_lines(kept)
            lines.extend(made_before)
            carry, before = carry_variable(graph, names, kept, live_inputs=True)
            lines.extend(before)
            inside = [Line(assignment) for assignment in kept.assignments]
            inside += [line for s in kept.body for line in step_lines(s, {kept.body_out: carry})]
            header = f"for {kept.loop.target} in {iterable}:"
            lines.append(loop_statement(header, inside, kept.loop.comments))
            carry_out(names, kept, carry)
        elif step_id not in looped:
            lines.extend(step_lines(step, {}))
    parts = [
        f"inputs={structure_text(graph.input_structure, names.name_of)}",
        f"outputs={structure_text(graph.output_structure, names.name_of)}",
        *model_name_kwarg(graph),
    ]
    model = binding_prefix(graph) + call_text(plan.ref("keras.Model"), parts)
    body = render(
        "functional", inputs=inputs, lines=lines, model=model, model_comments=graph.call_comments
    )
    return Generated(body)


def result_target(
    graph: ModelGraph, names: TensorNames, tensor: str, forced: dict[str, str]
) -> str:
    if tensor in forced:
        names.hold(tensor, forced[tensor])
        return forced[tensor]
    return names.assign(tensor, wanted_name(graph, tensor, "x"))


# --- loops kept as loops ------------------------------------------------------------------------
def carry_variable(
    graph: ModelGraph, names: TensorNames, kept: KeptLoop, live_inputs: bool
) -> tuple[str, list[Line]]:
    """The variable a kept loop carries its tensor in (``x``), and the line that starts it when
    the tensor before the loop must keep its own (``x = inputs``)."""
    before = kept.carried_in
    own = names.name_of[before]
    wanted = wanted_name(graph, kept.carried_out, "x")
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


def carry_out(names: TensorNames, kept: KeptLoop, carry: str) -> None:
    """After the loop, its last pass's tensor is in the carry variable."""
    names.hold(kept.carried_out, carry)
    names.alias.pop(kept.carried_in, None)


def loop_statement(header: str, body: list[Line], above: tuple[str, ...] = ()) -> Line:
    """``for target in iterable:`` with ``body`` under it, as one multi-line statement. The loop's
    own comments (``above``), which its first step carries, go above its header."""
    if body and above and body[0].comments[: len(above)] == above:
        body = [replace(body[0], comments=body[0].comments[len(above) :]), *body[1:]]
    else:
        above = ()
    statements: list[str] = []
    for line in body:
        statements.extend(line.comments)
        statements.append(line.code + (f"  {line.trailing}" if line.trailing else ""))
    inner = "\n".join(INDENT + indented(text, INDENT) for text in statements)
    return Line(f"{header}\n{inner}", above)


# --- sequential ---------------------------------------------------------------------------------
def emit_sequential(graph: ModelGraph, plan: ImportPlan) -> Generated:
    entries: list[Line] = []
    spec = graph.inputs[0]
    if spec.shape is not None or spec.shape_text is not None:
        entries.append(Line(input_expression(spec, plan, site=graph.site.function)))
    before: list[Line] = []  # layers configured after creation (``base.trainable = False``)
    layer_vars = TensorNames(graph, reserved=set())
    # A loop that adds one layer a pass: ``*[layers.Dense(units) for units in UNITS]``
    loops = {
        kept.body[0].id: kept
        for kept in kept_loops(graph, set(), at_site=True)
        if len(kept.layers) == 1 and not kept.assignments  # a comprehension assigns nothing
    }
    looped = {step for kept in loops.values() for step in kept.steps}
    for step_id in graph.order:
        step = graph.step_by_id[step_id]
        if step_id in loops:
            kept = loops[step_id]
            code = constructor(kept.layers[0], plan, as_class=True, drop_shape=bool(entries))
            listed = f"*[{code} for {kept.loop.target} in {kept.loop.iterable}]"
            if len(listed) + len(INDENT * 2) + 1 > WIDTH:
                loop = f"for {kept.loop.target} in {kept.loop.iterable}"
                listed = f"*[\n{INDENT}{indented(code, INDENT)}\n{INDENT}{loop}\n]"
            entries.append(Line(indented(listed, INDENT * 2), graph.own_comments(kept.body[0])[0]))
        elif step_id in looped:
            continue
        elif isinstance(step, Node):
            layer = graph.layer_by_id[step.layer]
            code = constructor(
                layer,
                plan,
                as_class=True,
                drop_shape=bool(entries),
                site=graph.site.function,
                indent=len(INDENT * 2) + 1,
            )
            above, trailing = graph.own_comments(step)
            comments = layer.comments + above
            if layer.attrs:
                var = layer_vars.assign(
                    layer.id, layer.var_name or snake_case(layer.cls.rsplit(".", 1)[-1])
                )
                before.append(Line(f"{var} = {code}", comments))
                before.extend(Line(f"{var}.{attr} = {value}") for attr, value in layer.attrs)
                code, comments = var, ()
            entries.append(Line(indented(code, INDENT * 2), comments, trailing))
    body = render(
        "sequential",
        before=before,
        target=binding_prefix(graph),
        sequential=plan.ref("keras.Sequential"),
        entries=entries,
        name=(graph.name_text or repr(graph.keras_name)) if graph.keras_name else None,
        model_comments=graph.call_comments,
    )
    return Generated(body)
