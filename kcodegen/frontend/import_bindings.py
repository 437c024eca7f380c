"""What a libcst import statement binds: local names to the dotted names they import."""

from __future__ import annotations

import libcst as cst


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
