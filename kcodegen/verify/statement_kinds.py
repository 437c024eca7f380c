"""What a statement of the user's module does, as the slice sees it: reads data, trains or plots,
configures Keras, or changes an object it is given. Matched on the dotted names of the calls.

Static, as the slice is: never imports TensorFlow, Keras or NumPy.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

# Calls that read a dataset or a file (matched on the last part of the dotted name).
_DATA_READERS = frozenset(
    {
        "load_data",
        "read_csv",
        "read_parquet",
        "loadtxt",
        "open",
        "image_dataset_from_directory",
        "text_dataset_from_directory",
        "get_file",
    }
)
_DATA_QUALIFIED = ("np.load", "numpy.load", "tfds.load")
# Training, plotting and IO: a statement calling one of these is never kept as a model mutation.
_NEVER_KEEP = frozenset(
    {
        "compile",
        "fit",
        "fit_generator",
        "evaluate",
        "predict",
        "summary",
        "save",
        "save_weights",
        "load_weights",
        "plot_model",
        "print",
        "show",
        "savefig",
    }
)
# Method calls that configure the object they are called on (`model.add(...)`, `layers.append`).
_MUTATORS = frozenset({"build", "add", "append", "extend", "insert", "update"})
# Global Keras settings that change what a model computes; kept whenever they appear.
_CONFIG_CALLS = frozenset(
    {"set_floatx", "set_image_data_format", "set_epsilon", "set_global_policy", "set_dtype_policy"}
)


def dotted(expr: cst.BaseExpression) -> str:
    """``a.b.c`` for a dotted name, else ""."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return f"{dotted(expr.value)}.{expr.attr.value}"
    return ""


def last_name(expr: cst.BaseExpression) -> str:
    return dotted(expr).rsplit(".", 1)[-1]


def root_name(expr: cst.BaseExpression) -> str | None:
    while isinstance(expr, cst.Attribute | cst.Subscript | cst.Call):
        expr = expr.func if isinstance(expr, cst.Call) else expr.value
    return expr.value if isinstance(expr, cst.Name) else None


def reads_data(call: cst.Call) -> bool:
    name = dotted(call.func)
    last = name.rsplit(".", 1)[-1]
    return (
        last in _DATA_READERS
        or last.startswith("fetch_")
        or any(name == q or name.endswith(f".{q}") for q in _DATA_QUALIFIED)
    )


def never_kept(call: cst.Call) -> bool:
    name = dotted(call.func)
    return name.rsplit(".", 1)[-1] in _NEVER_KEEP or name.startswith("plt.")


def calls(node: cst.CSTNode, test: Callable[[cst.Call], bool], *, run_now: bool = False) -> bool:
    """Whether `node` calls something `test` accepts; with run_now, not inside function bodies."""
    if isinstance(node, cst.Call) and test(node):
        return True
    if run_now and isinstance(node, cst.Lambda):
        return False
    children = node.children
    if run_now and isinstance(node, cst.FunctionDef):
        children = [*node.decorators, node.params]
    return any(calls(child, test, run_now=run_now) for child in children)


def mutates(node: cst.CSTNode, name: str) -> bool:
    """`name.attr = ...`, `name[k] = ...`, `name.build(...)`/`.add(...)`, or `name(...)`."""
    if isinstance(node, cst.FunctionDef | cst.ClassDef):
        return False
    if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
        func = node.value.func
        if isinstance(func, cst.Name):
            return func.value == name
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value in _MUTATORS
            and root_name(func.value) == name
        )
    if isinstance(node, cst.Assign):
        targets = [t.target for t in node.targets]
    elif isinstance(node, cst.AugAssign | cst.AnnAssign):
        targets = [node.target]
    else:
        return any(mutates(child, name) for child in node.children)
    return any(
        isinstance(t, cst.Attribute | cst.Subscript) and root_name(t) == name for t in targets
    )


def is_config(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.Expr)
        and isinstance(node.value, cst.Call)
        and last_name(node.value.func) in _CONFIG_CALLS
    )
