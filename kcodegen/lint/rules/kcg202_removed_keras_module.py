"""KCG202: imports of Keras 2 module paths that Keras 3 does not have."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, finding, index
from kcodegen.lint.rules._imports import (
    imported_names,
    module_edit,
    public_home,
    split_keras,
    without_segments,
)
from kcodegen.lint.rules._keras3_api import MODULES, NAMES

# Where a removed module's users went when its contents did not move one level up.
_SUCCESSORS = {
    "keras.wrappers.scikit_learn": "the scikeras package (or keras.wrappers.SKLearnClassifier)",
    "keras.preprocessing.text": "keras.layers.TextVectorization",
}


# Keras 2 submodules that dotted calls still name (``layers.experimental.preprocessing.X(...)``):
# without one of them in the text no call can name a removed module, and calls are not walked.
_CHAIN_HINT = re.compile(
    r"\.(?:experimental|engine|core|convolutional|recurrent|pooling|normalization|embeddings"
    r"|merge|advanced_activations|noise|local|cudnn_recurrent|dense_attention|scikit_learn"
    r"|\w+_utils)\."
)


class RemovedKerasModule(Rule):
    """What it finds: imports (and dotted calls) of Keras 2 module paths that Keras 3 removed:
    ``keras.layers.core``, ``keras.layers.convolutional``, ``keras.layers.experimental.preprocessing``,
    ``keras.engine``, ``keras.utils.np_utils``, ``keras.wrappers.scikit_learn`` and the like, spelled
    ``keras`` or ``tensorflow.keras``.

    Why it matters: Keras 3 exports each name from one public module, so the import fails with
    ``ModuleNotFoundError`` (and the dotted call with ``AttributeError``) as soon as the code runs
    on TensorFlow 2.16 or later. The names themselves mostly still exist one level up.

    Example:
        from keras.layers.core import Dense
        from tensorflow.keras.utils.np_utils import to_categorical
        scale = tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255)

    Use instead:
        from keras.layers import Dense
        from tensorflow.keras.utils import to_categorical
        scale = tf.keras.layers.Rescaling(1 / 255)
    """

    code = "KCG202"
    name = "removed-keras-module"
    message = "Keras 3 has no such module"
    needs = "text"
    triggers = ("keras",)
    fixable = True

    VALID = (
        "from keras.layers import Dense\nfrom keras.applications.resnet50 import ResNet50\n",
        "import tensorflow as tf\nscale = tf.keras.layers.Rescaling(1 / 255)\n",
        "from tf_keras.layers.experimental.preprocessing import Rescaling\n",
        "from keras.src.layers.core import Dense\n",  # private, not removed: KCG201's business
        "from keras.utils import to_categorical\nimport keras.ops.numpy\n",
        "import keras\n\ndense = keras.layers.Dense.from_config(config)\n",
        "try:\n    from keras.layers.core import Dense\nexcept ImportError:\n    from keras.layers import Dense\n",
    )
    INVALID = (
        Invalid(
            "from keras.layers.core import Dense, Flatten\n",
            1,
            fixed="from keras.layers import Dense, Flatten\n",
        ),
        Invalid(
            "from tensorflow.keras.layers.experimental.preprocessing import Rescaling\n",
            1,
            fixed="from tensorflow.keras.layers import Rescaling\n",
        ),
        Invalid(
            "import tensorflow as tf\n\n"
            "scale = tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255)\n",
            3,
            fixed="import tensorflow as tf\n\nscale = tf.keras.layers.Rescaling(1 / 255)\n",
        ),
        Invalid(
            "from keras.utils.np_utils import to_categorical\n",
            1,
            fixed="from keras.utils import to_categorical\n",
        ),
        Invalid(
            "from keras.engine.topology import Layer\n",
            1,
            fixed="from keras import Layer\n",
        ),
        Invalid("from keras.wrappers.scikit_learn import KerasClassifier\n", 1),
        Invalid("from tensorflow.keras.layers.experimental import preprocessing\n", 1),
        Invalid("import keras.layers.recurrent\n", 1),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        for statement in found.imports:
            if id(statement) in found.guarded:
                continue  # trying an import is how code supports several versions
            if isinstance(statement, ast.ImportFrom):
                if statement.module and not statement.level:
                    yield from self._check_from(ctx, statement, statement.module)
            else:
                for alias in statement.names:
                    if _removed(alias.name):
                        yield finding(self, ctx, statement, _message(alias.name))
        if _CHAIN_HINT.search(ctx.source):
            yield from self._check_calls(ctx, found)

    def _check_from(
        self, ctx: LintContext, statement: ast.ImportFrom, module: str
    ) -> Iterator[Finding]:
        removed = _removed(module)
        if removed is None:
            return
        spelling, canonical = removed
        home = public_home(canonical, imported_names(statement))
        edit = None
        if home is not None:
            edit = module_edit(ctx, statement, spelling + home[len("keras") :])
        if edit is None:
            yield finding(self, ctx, statement, _message(module))
        else:
            message = f"{_message(module)}; import from `{edit.text}`"
            yield finding(self, ctx, statement, message, Fix(f"import from {edit.text}", (edit,)))

    def _check_calls(self, ctx: LintContext, found: Index) -> Iterator[Finding]:
        """``tf.keras.layers.experimental.preprocessing.Rescaling(...)``: the removed part is in
        the dotted name itself, not in an import (imports are reported above)."""
        for call in found.calls:
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            qualname = found.qualname(func.value)
            head = _head(func)
            if qualname is None or head is None or _removed(found.qualname(head) or "") is not None:
                continue
            removed = _removed(qualname)
            if removed is None or not _surely_module(removed[1]):
                continue
            spelling, canonical = removed
            home = public_home(canonical, [func.attr])
            edit = None
            if home is not None:
                dropped = canonical.count(".") - home.count(".")
                edit = without_segments(ctx, func, dropped, keep_last=1)
            message = _message(spelling + canonical[len("keras") :])
            if edit is None:
                yield finding(self, ctx, call, message)
            else:
                fix = Fix(f"call {edit.text}", (edit,))
                yield finding(self, ctx, call, f"{message}; call `{edit.text}`", fix)


def _removed(module: str) -> tuple[str, str] | None:
    """``(spelling, "keras.<path>")`` when ``module`` is a Keras 3 module path that does not exist."""
    split = split_keras(module)
    if split is None:
        return None
    spelling, path = split
    if any(part.startswith("_") for part in path.split(".")):
        return None  # private, not removed
    canonical = f"keras.{path}" if path else "keras"
    if canonical in MODULES or canonical == "keras.src" or canonical.startswith("keras.src."):
        return None
    return spelling, canonical


def _surely_module(path: str) -> bool:
    """Whether a dotted path used in a call names a module rather than something in one: the first
    part Keras 3 lacks is lower-case and its parent module is known not to export that name
    (``keras.layers.Dense.from_config`` is a method call, not a removed module)."""
    parts = path.split(".")
    for end in range(2, len(parts) + 1):
        if ".".join(parts[:end]) not in MODULES:
            parent, missing = ".".join(parts[: end - 1]), parts[end - 1]
            exported = NAMES.get(parent)
            return missing.islower() and exported is not None and missing not in exported
    return False


def _head(func: ast.Attribute) -> ast.Name | None:
    node: ast.expr = func
    while isinstance(node, ast.Attribute):
        node = node.value
    return node if isinstance(node, ast.Name) else None


def _message(module: str) -> str:
    split = split_keras(module)
    canonical = f"keras.{split[1]}" if split and split[1] else module
    for removed, successor in _SUCCESSORS.items():
        if canonical == removed or canonical.startswith(removed + "."):
            return f"Keras 3 has no module `{module}`; use {successor}"
    return f"Keras 3 has no module `{module}`"
