"""Keras symbol names: every spelling of a Keras symbol maps to one canonical dotted name.

``tf.keras.layers.Dense``, ``tensorflow.keras.layers.Dense``, ``keras.layers.Dense`` and a
``from keras import layers as L`` followed by ``L.Dense`` all become ``keras.layers.Dense``.
"""

from __future__ import annotations

import libcst as cst

_PREFIXES = (
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
)
_ALIASES = {
    "keras.models.Model": "keras.Model",
    "keras.models.Sequential": "keras.Sequential",
    "keras.layers.Input": "keras.Input",
    "keras.engine.training.Model": "keras.Model",
    "keras.engine.sequential.Sequential": "keras.Sequential",
    "keras.models.Functional": "keras.Model",
}
KERAS_ROOTS = ("keras", "tensorflow", "tf_keras")


def canonical(qualname: str) -> str:
    """Canonical dotted name of a Keras symbol (other names are returned unchanged)."""
    if qualname in ("tensorflow.keras", "tensorflow.python.keras", "tf_keras"):
        return "keras"
    for prefix, replacement in _PREFIXES:
        if qualname.startswith(prefix):
            qualname = replacement + qualname[len(prefix) :]
            break
    return _ALIASES.get(qualname, qualname)


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def module_name(node: cst.BaseExpression) -> str:
    name = dotted(node)
    assert name is not None, "import targets are dotted names"
    return name


def import_bindings(statement: cst.Import | cst.ImportFrom) -> dict[str, str]:
    """Local name -> imported dotted name for one import statement (relative imports are skipped)."""
    bound: dict[str, str] = {}
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            full = module_name(alias.name)
            if alias.asname is not None:
                bound[module_name(alias.asname.name)] = full
            else:
                root = full.split(".", 1)[0]
                bound[root] = root
        return bound
    if (
        statement.relative
        or statement.module is None
        or isinstance(statement.names, cst.ImportStar)
    ):
        return bound
    base = module_name(statement.module)
    for alias in statement.names:
        imported = module_name(alias.name)
        local = module_name(alias.asname.name) if alias.asname else imported
        bound[local] = f"{base}.{imported}"
    return bound


def mentions_keras(source: str) -> bool:
    """Cheap pre-filter: files that never name Keras cannot define a Keras model."""
    return "keras" in source
