"""keras.applications as a user copies it: read at test time from the installed Keras package,
turned into a script that uses only the public API, then a call that builds the model.

Nothing of Keras is committed here: the adapter reads ``keras/src/applications/<module>.py``,
rewrites its private imports to public ones, copies the private helpers it needs
(``obtain_input_shape``, ``validate_activation``, ``correct_pad``) from the same installed package,
copies what a sibling module gives (``resnet.ResNet`` for resnet_v2) with its imports, drops ``@keras_export`` decorators and the docstring templates assigned to ``__doc__``, and
appends ``model = ResNet50(weights=None, input_shape=..., classes=10)``.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

# Imports of private modules, and the public spelling a user would write instead.
PUBLIC_IMPORTS = {
    "from keras.src import backend": "from keras import backend",
    "from keras.src import layers": "from keras import layers",
    "from keras.src import ops": "from keras import ops",
    "from keras.src import initializers": "from keras import initializers",
    "from keras.src.utils import file_utils": "from keras import utils as file_utils",
    "from keras.src.ops import operation_utils": "from keras import utils as operation_utils",
    "from keras.src.models import Functional": "from keras import Model as Functional",
    "from keras.src.layers.layer import Layer": "from keras.layers import Layer",
    "from keras.src import random": "from keras import random",
    "from keras.src.models import Sequential": "from keras import Sequential",
    "from keras.src.applications import imagenet_utils": (
        "from keras.applications import imagenet_utils"
    ),
}
_DROPPED = ("from keras.src.api_export import keras_export",)


@dataclass(frozen=True)
class Architecture:
    module: str  # keras/src/applications/<module>.py
    builder: str  # the function that builds it
    size: int = 32  # the smallest input side the builder accepts


ARCHITECTURES = (
    Architecture("vgg16", "VGG16"),
    Architecture("vgg19", "VGG19"),
    Architecture("mobilenet", "MobileNet"),
    Architecture("resnet", "ResNet50"),
    Architecture("resnet_v2", "ResNet50V2"),
    Architecture("mobilenet_v2", "MobileNetV2"),
    Architecture("mobilenet_v3", "MobileNetV3Small"),
    Architecture("densenet", "DenseNet121"),
    Architecture("efficientnet", "EfficientNetB0"),
    Architecture("efficientnet_v2", "EfficientNetV2B0"),
    Architecture("convnext", "ConvNeXtTiny"),
    Architecture("inception_v3", "InceptionV3", 75),
    Architecture("inception_resnet_v2", "InceptionResNetV2", 75),
    Architecture("xception", "Xception", 71),
    Architecture("nasnet", "NASNetMobile"),
)


def applications_folder() -> Path:
    spec = importlib.util.find_spec("keras")
    if spec is None or spec.origin is None:
        raise LookupError("keras is not installed")
    return Path(spec.origin).parent / "src" / "applications"


# What ``keras.applications.imagenet_utils`` exports; the rest of the module is private.
_PUBLIC_IMAGENET_UTILS = {"preprocess_input", "decode_predictions"}


def user_script(architecture: Architecture) -> str:
    """The architecture's module as a user's script that builds ``model``."""
    folder = applications_folder()
    source = (folder / f"{architecture.module}.py").read_text(encoding="utf-8")
    source = _with_sibling_modules_copied(source, folder)
    for private, public in PUBLIC_IMPORTS.items():
        source = source.replace(f"{private}\n", f"{public}\n")
    for dropped in _DROPPED:
        source = source.replace(f"{dropped}\n", "")
    source = _without_decorators(source, "keras_export")
    source = _without_docstring_assignments(source)
    if "backend.name_scope(" in source:  # private in keras.backend; public as keras.name_scope
        source = "import keras\n" + source.replace("backend.name_scope(", "keras.name_scope(")
    helpers = sorted(set(re.findall(r"imagenet_utils\.(\w+)\(", source)) - _PUBLIC_IMAGENET_UTILS)
    copied = []
    for name in helpers:  # private helpers, copied as a user copies them
        copied.append(_function_source(folder / "imagenet_utils.py", name))
        source = source.replace(f"imagenet_utils.{name}(", f"{name}(")
    if copied:
        source = _after_imports(source, "import warnings\n\n\n" + "\n\n".join(copied) + "\n")
    leftover = re.findall(r"^\s*(?:from|import) keras\.src\S*.*$", source, re.M)
    if leftover:
        raise LookupError(f"{architecture.module}: no public import for {leftover}")
    side = architecture.size
    call = (
        f"model = {architecture.builder}(weights=None, input_shape=({side}, {side}, 3), classes=10)"
    )
    return source.rstrip() + f"\n\n\n{call}\n"


def _with_sibling_modules_copied(source: str, folder: Path) -> str:
    """``from keras.src.applications import resnet`` (resnet_v2 builds on ``resnet.ResNet``): a
    user copies what ``resnet.X`` needs from that file, its imports and every definition it
    reads, and calls ``X`` directly."""
    for sibling in re.findall(r"^from keras\.src\.applications import (\w+)$", source, re.M):
        if sibling == "imagenet_utils":
            continue
        text = (folder / f"{sibling}.py").read_text(encoding="utf-8")
        used = set(re.findall(rf"\b{sibling}\.(\w+)", source))
        imports, definitions = _definitions_needed(text, used)
        source = source.replace(f"from keras.src.applications import {sibling}\n", "")
        source = re.sub(rf"\b{sibling}\.(\w+)", r"\1", source)
        own = set(source.splitlines())
        header = "".join(f"{line}\n" for line in imports if line not in own)
        source = (
            header + _after_imports(source, "\n\n".join(definitions) + "\n")
            if definitions
            else source
        )
    return source


def _definitions_needed(text: str, names: set[str]) -> tuple[list[str], list[str]]:
    """The import lines of ``text``, and its top-level statements that define ``names`` or what
    they read, however indirectly, in the file's order."""
    tree = ast.parse(text)
    defines: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defines[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    defines[target.id] = node
    needed: set[int] = set()
    pending = [name for name in names if name in defines]
    while pending:
        node = defines[pending.pop()]
        if id(node) in needed:
            continue
        needed.add(id(node))
        reads = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        pending.extend(name for name in reads if name in defines)
    imports = [
        ast.get_source_segment(text, node) or ""
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    definitions = [_with_decorators(text, node) for node in tree.body if id(node) in needed]
    return imports, definitions


def _with_decorators(text: str, node: ast.stmt) -> str:
    lines = text.splitlines(keepends=True)
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return "".join(lines[start - 1 : node.end_lineno])


def _without_decorators(source: str, name: str) -> str:
    """Drop every ``@name(...)`` decorator, however many lines its arguments take."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    spans = []
    for node in ast.walk(tree):
        for decorator in getattr(node, "decorator_list", ()):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Name) and target.id == name:
                spans.append((decorator.lineno - 1, decorator.end_lineno))
    for start, end in sorted(spans, reverse=True):
        del lines[start:end]
    return "".join(lines)


def _without_docstring_assignments(source: str) -> str:
    """Without ``preprocess_input.__doc__ = imagenet_utils.PREPROCESS_INPUT_DOC.format(...)``:
    the documentation templates are private, and a user's copy has no use for them."""
    lines = source.splitlines(keepends=True)
    for node in reversed(ast.parse(source).body):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Attribute)
            and node.targets[0].attr == "__doc__"
        ):
            del lines[node.lineno - 1 : node.end_lineno]
    return "".join(lines)


def _function_source(path: Path, name: str) -> str:
    source = path.read_text(encoding="utf-8")
    node = next(
        n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name
    )
    segment = ast.get_source_segment(source, node)
    assert segment is not None
    return segment + "\n"


def _after_imports(source: str, text: str) -> str:
    """``text`` placed after the module's last top-level import."""
    tree = ast.parse(source)
    last = max(n.end_lineno or 0 for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
    lines = source.splitlines(keepends=True)
    return "".join(lines[:last]) + "\n\n" + text + "".join(lines[last:])
