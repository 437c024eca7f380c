"""The package's shape: small modules, no import cycles, the interpreter's Python core apart from
its Keras plugin, and templates shipped from the top-level ``templates/`` folder."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kcodegen"
FRONTEND_LIMIT = 600  # lines; split a module before it grows past this


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every kcodegen module the file imports, those under ``if TYPE_CHECKING:`` included.

    ``from package import module`` depends on the module, not on the package's ``__init__``."""
    found: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            found |= submodules or {base}
    return found & modules


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def test_no_module_imports_another_in_a_cycle() -> None:
    modules = _modules()
    graph = {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as cycle:
        pytest.fail(f"import cycle: {' -> '.join(cycle.args[1])}")


def test_a_cycle_is_found_when_there_is_one(tmp_path: Path) -> None:
    """The check above would catch a cycle: two modules that import each other."""
    graph = {"a": {"b"}, "b": {"a"}}
    with pytest.raises(graphlib.CycleError):
        tuple(graphlib.TopologicalSorter(graph).static_order())


@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "frontend").rglob("*.py")),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_frontend_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= FRONTEND_LIMIT, f"{path.name} has {lines} lines; split it"


def test_the_python_core_knows_no_keras_names() -> None:
    """Keras's qualified names live in the plugin (brain/), not in the Python core."""
    core = PACKAGE / "frontend" / "interpreter"
    for name in ("state.py", "statements.py", "expressions.py", "calls.py", "frame.py"):
        imported = _imports(core / name, set(_modules()))
        assert "kcodegen.frontend.keras_api" not in imported, name
