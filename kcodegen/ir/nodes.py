"""The IR's value types: frozen, hashable, and free of libcst objects so results can be cached and compared.

Source text is kept exactly as the author wrote it (layer arguments, shapes), which is what lets a
converted model stay parametric: ``Dense(num_labels)`` survives a conversion as ``Dense(num_labels)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal, Union

Style = Literal["sequential", "functional", "subclassing"]
STYLES: tuple[Style, ...] = ("sequential", "functional", "subclassing")


@dataclass(frozen=True)
class Span:
    """1-based lines, 0-based columns, like libcst's PositionProvider."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, other: Span) -> bool:
        return (self.line, self.col) <= (other.line, other.col) and (
            other.end_line,
            other.end_col,
        ) <= (self.end_line, self.end_col)


class ArgScope(Enum):
    """Where the text of a layer's arguments is meant to be read."""

    # Anywhere in the module: the names of inlined helpers and unrolled loops are their values
    # (``Dense(64)`` for ``Dense(units)`` called with 64), since generated code may go elsewhere.
    MODULE = "module"
    # Inside ``LayerSpec.scope``, the function that created the layer: its names kept.
    FUNCTION = "function"
    # Inside the ``for`` loop whose own body created the layer, exactly as written: the loop's
    # names kept (``Dense(units)``), for code that keeps the loop.
    LOOP = "loop"


@dataclass(frozen=True)
class ArgumentText:
    """A constructor's arguments as source text, for one scope."""

    scope: ArgScope
    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...]

    @property
    def texts(self) -> tuple[str, ...]:
        """Every argument's text, positional then keyword."""
        return (*self.args, *(value for _, value in self.kwargs))


def module_arguments(
    args: tuple[str, ...], kwargs: tuple[tuple[str, str], ...]
) -> tuple[ArgumentText, ...]:
    """Arguments known only as the module reads them."""
    return (ArgumentText(ArgScope.MODULE, args, kwargs),)


@dataclass(frozen=True)
class LayerSpec:
    """One layer instance. A layer called twice is one LayerSpec and two Nodes."""

    id: str
    cls: str  # canonical class: "keras.layers.Dense", "keras.applications.VGG16", or a user class name
    callee: (
        str  # the constructor as written ("Dense", "tf.keras.layers.Dense"); resolves in the module
    )
    # The constructor's arguments as source text: first for the module scope, then for the
    # scopes where the author's own text (with its names) is known.
    arguments: tuple[ArgumentText, ...]
    var_name: str | None  # the author's variable or attribute name for the instance
    name: str | None  # the value of name= when it is a string literal
    span: Span
    attrs: tuple[
        tuple[str, str], ...
    ] = ()  # attributes set after creation, e.g. ("trainable", "False")
    merge_function: str | None = None  # "concatenate" when written as the functional merge helper
    scope: str = ""  # the module-level function whose body created it ("" for the module)
    comments: tuple[str, ...] = ()  # comment lines above the statement that created it
    # A model used as a layer: the ``ModelGraph.name`` of that model in the same module. Its
    # ``callee`` is how the outer code refers to it (``encoder``); it has no arguments.
    submodel: str | None = None
    # Such a model that its owner builds where it uses it: a Sequential reached through a list
    # (``downsample_layers[i]``) or made in a loop. ``callee`` is then the expression that
    # constructs it, its values filled in, and it converts with its owner, not alone. ``reads``:
    # the names that construction reads as written (a builder's parameters among them).
    in_place: bool = False
    reads: frozenset[str] = frozenset()
    # Where a subclass keeps the layer when that is not a plain attribute: ``blocks[2]``.
    attr_path: str | None = None
    within: str | None = None  # the Invocation (helper call) or loop pass that created it
    # An argument read from a tensor whose value kcg does not know, as a message shows it
    # (```filters` (`x.shape[3]` here)``), and why: code that creates the layer where there are
    # no tensors (``__init__``) cannot write it.
    reads_tensor: tuple[str, str] | None = None
    # A block layer the helper of ``scope`` made by calling its parameter (``activation(x)``,
    # the caller passing ``relu``): that parameter. Its class, folded, takes the block class.
    through: str | None = None

    @property
    def args(self) -> tuple[str, ...]:
        """Positional arguments, as code anywhere in the module reads them."""
        return self.arguments[0].args

    @property
    def kwargs(self) -> tuple[tuple[str, str], ...]:
        """Keyword arguments, as code anywhere in the module reads them."""
        return self.arguments[0].kwargs

    def written_in(self, scope: ArgScope) -> ArgumentText | None:
        """The arguments as code in ``scope`` reads them, when kcg knows that text."""
        return next((text for text in self.arguments if text.scope is scope), None)

    def kwarg(self, key: str) -> str | None:
        return next((value for k, value in self.kwargs if k == key), None)

    @property
    def is_model(self) -> bool:
        """A model used as a layer: it exists already, the code only refers to it."""
        return self.cls == "keras.Model"


@dataclass(frozen=True)
class TensorRef:
    tensor: str


@dataclass(frozen=True)
class Literal_:
    """A non-tensor argument to a call, as source text."""

    text: str


@dataclass(frozen=True)
class Seq:
    """A list or tuple of arguments (``concatenate([a, b])``)."""

    items: tuple[Arg, ...]
    kind: Literal["list", "tuple"] = "list"


@dataclass(frozen=True)
class Mapping_:
    items: tuple[tuple[str, Arg], ...]  # keys as source text


Arg = Union[TensorRef, Literal_, Seq, Mapping_]  # noqa: UP007 - a runtime alias; `|` needs 3.10 objects


@dataclass(frozen=True)
class Node:
    """One call of a layer on tensors."""

    id: str
    layer: str  # LayerSpec id
    args: tuple[Arg, ...]
    kwargs: tuple[tuple[str, Arg], ...]  # call keywords: training=, mask=, ...
    outputs: tuple[str, ...]  # tensor ids
    span: Span
    comments: tuple[str, ...] = ()  # comment lines written above the call's statement
    trailing_comment: str | None = None
    via: int | None = (
        None  # when made inside a helper: the line in the model's block that called it
    )
    within: str | None = None  # the Invocation (helper call) or loop pass that made it


@dataclass(frozen=True)
class Op:
    """A non-layer operation on tensors (``keras.ops.*``, ``a + b``, ``x[:, 0]``).

    ``template`` alternates source text with indexes into ``inputs``: ``("0.5 * ", 0)``.
    """

    id: str
    template: tuple[str | int, ...]
    inputs: tuple[str, ...]  # tensor ids
    outputs: tuple[str, ...]
    span: Span
    text: str = ""  # the expression as written, for messages (operands may be inlined calls)
    comments: tuple[str, ...] = ()  # as for Node: the statement's, on its first step
    trailing_comment: str | None = None
    within: str | None = None  # the Invocation (helper call) or loop pass that made it

    def render(self, names: list[str]) -> str:
        return "".join(names[part] if isinstance(part, int) else part for part in self.template)


@dataclass(frozen=True)
class InputSpec:
    id: str
    name: str  # variable (or call parameter) name
    tensor: str  # the tensor id it produces
    shape: tuple[int | None, ...] | None  # without the batch dimension; None when unknown
    shape_text: str | None  # the shape as written (``input_shape``, ``(28, 28)``)
    dtype: str | None = None
    keras_name: str | None = None
    kwargs: tuple[tuple[str, str], ...] = ()  # other keyword arguments of Input(...) as written
    span: Span | None = None
    scope: str = ""  # the module-level function whose body made it ("" for the module)
    # The shape as written in ``scope``, whose names (a builder's parameters) are in scope there
    # (``shape_text`` has them replaced by their values, for code placed elsewhere).
    local_shape_text: str | None = None


@dataclass(frozen=True)
class CallArgument:
    """One argument of a helper call, as written: ``strides=stride``."""

    keyword: str | None
    text: str  # with the caller's own names replaced by their values, for code placed elsewhere
    local_text: str  # as written, where the caller's names are in scope
    tensor: str | None  # the tensor it passes (an input of the block), if it is one
    source_text: str | None = None  # exactly as written, when a ``for`` loop makes the call itself
    # It reads a tensor (``x.shape[-1]``) whose value kcg does not know: a block class, made where
    # there are no tensors, cannot take it.
    reads_tensor: bool = False


@dataclass(frozen=True)
class Condition:
    """An ``if`` (no ``else``, or one ``syntax`` reads as ifs of their own: mirrored, chosen, a
    conditional assignment) in a helper's own body, as one call of the helper met it.

    What its body made names ``id`` in ``within``; its parent is the call.
    """

    id: str
    line: int  # where the ``if`` is: the same for every call of the helper
    test: str  # as written
    taken: bool
    names: tuple[str, ...] = ()  # the helper's parameters the test reads, as the call passed them
    reads_locals: bool = False  # the test also reads a name the helper binds (or rebinds) itself
    # The tensors the names its body assigns held when the ``if`` started: what they hold
    # after it when it is not taken.
    held: tuple[tuple[str, str], ...] = ()
    returns: bool = False  # its body returns (``if ...: return layers.Add()([inputs, x])``)


@dataclass(frozen=True)
class Invocation:
    """One call of a module-level helper function that built part of a model.

    Steps and layers made during the call name it in ``within``; a call made inside another helper
    names that one's invocation as ``parent``. Code generation uses this to write a helper called
    several times as one block class instead of pasting its layers once per call.
    """

    id: str
    function: str
    parent: str | None
    # The function's parameters with their defaults as written; None when it takes *args/**kwargs.
    parameters: tuple[tuple[str, str | None], ...] | None
    tensor_parameters: tuple[str, ...]  # the parameters that received a tensor in this call
    arguments: tuple[CallArgument, ...]
    returned: tuple[str, ...]  # the tensor ids it returned; () when it returned anything else
    span: Span
    # The function has loops or ``if``s other than its Conditions: its structure may follow its
    # arguments in ways one class cannot say.
    branches: bool = False
    result_name: str | None = None  # the variable the caller bound the result to
    comments: tuple[str, ...] = ()  # the calling statement's, when no other step took them
    trailing_comment: str | None = None
    conditions: tuple[Condition, ...] = ()  # its body's ``if`` statements, in order
    keyword_only: tuple[str, ...] = ()  # the parameters after ``*``
    # Parameters the body assigns (``filters = int(filters * alpha)``): a layer reading one reads
    # what the body made of it, not what the call passed.
    rebound: tuple[str, ...] = ()
    # Names the body computes from its parameters alone, with their expressions
    # (``bn_name = None if name is None else f"{name}_bn"``): a block class writes those.
    derived: tuple[tuple[str, str], ...] = ()
    # The tests of its body's ``if``/``elif`` chains (``syntax.chain_if``) as this call decided
    # them: (line, test as written, taken). Calls that decided them alike took the same branches.
    arms: tuple[tuple[int, str, bool], ...] = ()
    # The function as the call names it (``activation`` for ``activation(x)``), and the
    # parameters the function's body only calls: a helper called through one of those is a
    # layer the caller's block class makes from what it is given.
    callee: str | None = None
    called: tuple[str, ...] = ()
    # The tests of its ``if``s that pick what a call builds (``syntax.picking_if``), as written:
    # a block class writes one way of each, and takes none of the names they read.
    picks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loop:
    """A ``for`` statement that built part of a model, pass by pass.

    What pass ``k`` makes names ``pass_id(k)`` in ``within``, and a helper it calls names that as
    its ``parent``. Code generation uses this to write a loop whose passes build the same thing
    back as a loop.
    """

    id: str
    parent: str | None  # the helper call or loop pass the loop ran in
    target: str  # as written: ``units``, ``i, (f, k, d)``
    iterable: str  # as written
    passes: int
    span: Span
    broke: bool  # a ``break`` ended it before its last item
    # Names the body binds besides the targets: a loop written once for every pass cannot read
    # them. And the enclosing function's names: code placed outside that function cannot.
    body_names: frozenset[str] = frozenset()
    function_names: frozenset[str] = frozenset()
    # Names of the body computed alike in every pass, with their expressions as written
    # (``prefix = f"block{i + 5}"``): a kept loop assigns those its layers read.
    derived: tuple[tuple[str, str], ...] = ()
    # The comments above the ``for``, which its first step carries: a kept loop writes them above
    # its header, not inside its body.
    comments: tuple[str, ...] = ()

    def pass_id(self, index: int) -> str:
        return f"{self.id}:{index}"


@dataclass(frozen=True)
class Tensor:
    id: str
    producer: str  # InputSpec, Node or Op id
    index: int  # which output of the producer
    name_hint: str | None  # the variable the author bound it to


@dataclass(frozen=True)
class Structure:
    """How a model's inputs or outputs are grouped: one tensor, a list/tuple, or a dict by key."""

    kind: Literal["single", "list", "tuple", "dict"]
    tensors: tuple[str, ...]  # tensor ids, in order
    keys: tuple[str, ...] = ()  # dict keys as source text, parallel to tensors


@dataclass(frozen=True)
class Site:
    """Where a model is defined: statements of one block that the splice replaces.

    ``function`` is the enclosing module-level function ("" for the module); ``statements`` are
    indexes into that block's body. ``binding`` is the variable that receives the model, or None when
    the model is returned.
    """

    function: str
    statements: tuple[int, ...]
    binding: str | None
    class_statement: int | None = None  # module-level index of a subclass definition
    problem: str | None = None  # why the splice cannot replace this site, when it cannot
    # ``function``'s parameters read only in the model's layer and input arguments, which a
    # generated class can take in their place
    parameters: tuple[str, ...] = ()
    # ``function``'s parameters that decided what the replaced statements build (an ``if
    # include_top:``, ``blocks`` of a loop): (parameter, the value of the call kcg followed as
    # shown, the test that an argument differs: alternatives a line each), since the converted
    # function builds that model.
    followed: tuple[tuple[str, str, str], ...] = ()
    problem_line: int | None = None  # the line ``problem`` is about, when not the model's own
    # Names the replaced statements read that ``function`` computes in statements that stay
    # (``width = units * 2``), each with the ``followed`` checks of the parameters it comes from.
    derived: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = ()
