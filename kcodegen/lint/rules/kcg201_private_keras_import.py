"""KCG201: imports from ``keras.src`` or ``tensorflow.python.keras``."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import finding, index
from kcodegen.lint.rules._imports import imported_names, module_edit, public_home

_CANDIDATE = re.compile(r"(?:from|import)\s+(?:keras\.src|tensorflow\.python)")
# A private prefix, and how the public API is spelled in its place.
_PRIVATE = (("keras.src", "keras"), ("tensorflow.python.keras", "tensorflow.keras"))


class PrivateKerasImport(Rule):
    """What it finds: imports from Keras' private modules: ``keras.src`` (the implementation behind
    Keras 3's public API) and ``tensorflow.python.keras`` (an old copy of Keras 2 left inside
    TensorFlow).

    Why it matters: private modules are reorganised between releases without notice, so the import
    breaks on an upgrade. ``tensorflow.python.keras`` is worse: it is a different Keras, and its
    layers cannot be mixed with Keras 3's ("Only instances of `keras.Layer` can be added to a
    Sequential model"). Editors often auto-complete ``keras.src`` paths.

    Example:
        from keras.src.layers.core.dense import Dense
        from tensorflow.python.keras.layers import Conv2D

    Use instead:
        from keras.layers import Dense
        from tensorflow.keras.layers import Conv2D
    """

    code = "KCG201"
    name = "private-keras-import"
    message = "import from a private Keras module; import from the public API"
    needs = "text"
    triggers = ("keras.src", "tensorflow.python")
    fixable = True

    VALID = (
        "from keras.layers import Dense\n",
        "import tensorflow as tf\nfrom tensorflow.python.framework import ops\n",
        "from tensorflow.keras.layers import Conv2D\n",
        '"""Never `from keras.src.layers import Dense`."""\n',
    )
    INVALID = (
        Invalid(
            "from keras.src.layers.core.dense import Dense\n",
            1,
            fixed="from keras.layers import Dense\n",
        ),
        Invalid(
            "import os\nfrom tensorflow.python.keras.layers import Conv2D, Dense\n",
            2,
            fixed="import os\nfrom tensorflow.keras.layers import Conv2D, Dense\n",
        ),
        Invalid(
            "from keras.src.engine.training import Model\n",
            1,
            fixed="from keras import Model\n",
        ),
        Invalid("import keras.src.ops as kops\n", 1),
        Invalid("from keras.src.layers import SomethingInternal\n", 1),
        Invalid("from tensorflow.python import keras\n", 1),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if not _CANDIDATE.search(ctx.source):
            return
        found = index(ctx)
        for statement in found.imports:
            if id(statement) in found.guarded:
                continue  # trying an import is how code supports several versions
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    if _public(alias.name) is not None:
                        yield finding(self, ctx, statement, f"`{alias.name}` is private Keras")
            elif statement.module and not statement.level:
                yield from self._check_from(ctx, statement, statement.module)

    def _check_from(
        self, ctx: LintContext, statement: ast.ImportFrom, module: str
    ) -> Iterator[Finding]:
        names = imported_names(statement)
        if module == "tensorflow.python" and "keras" in names:
            yield finding(self, ctx, statement, "`tensorflow.python.keras` is private Keras")
            return
        public = _public(module)
        if public is None:
            return
        home = public_home(public.replace("tensorflow.keras", "keras", 1), names)
        edit = None
        if home is not None:
            spelled = public.split("keras", 1)[0] + home
            edit = module_edit(ctx, statement, spelled)
        if edit is None:
            yield finding(self, ctx, statement, f"`{module}` is private Keras")
            return
        message = f"`{module}` is private Keras; import from `{edit.text}`"
        yield finding(self, ctx, statement, message, Fix(f"import from {edit.text}", (edit,)))


def _public(module: str) -> str | None:
    """Where the public API of a private module's contents is (without the private part)."""
    for private, public in _PRIVATE:
        if module == private or module.startswith(private + "."):
            return public + module[len(private) :]
    return None
