"""KCG204: ``lr=`` and ``decay=`` passed to a Keras optimizer."""

from __future__ import annotations

from collections.abc import Iterator

from kcodegen.lint.rule import Edit, Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import finding, index, keyword, offsets
from kcodegen.lint.rules._imports import split_keras


class RemovedOptimizerArgument(Rule):
    """What it finds: a Keras optimizer created with ``lr=`` (renamed ``learning_rate`` long ago)
    or ``decay=``.

    Why it matters: Keras 3 optimizers raise ``ValueError: Argument(s) not recognized: {'lr': ...}``
    for ``lr``. ``decay`` is worse: it is ignored with only a warning, so the learning rate silently
    stops decaying and training differs from what the code says.

    Example:
        optimizer = keras.optimizers.Adam(lr=1e-3, decay=1e-6)

    Use instead:
        schedule = keras.optimizers.schedules.InverseTimeDecay(1e-3, decay_steps=1, decay_rate=1e-6)
        optimizer = keras.optimizers.Adam(learning_rate=schedule)
    """

    code = "KCG204"
    name = "removed-optimizer-argument"
    message = "Keras 3 optimizers take `learning_rate=`, not `lr=`"
    needs = "text"
    triggers = ("lr=", "lr =", "decay=", "decay =")
    fixable = True

    VALID = (
        "import keras\noptimizer = keras.optimizers.Adam(learning_rate=1e-3)\n",
        "import keras\nschedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9)\n",
        "from tf_keras.optimizers import Adam\noptimizer = Adam(lr=1e-3)\n",  # Keras 2 accepts it
        "def train(lr=1e-3):\n    return run(lr=lr, decay=0.1)\n",
    )
    INVALID = (
        Invalid(
            "import keras\n\noptimizer = keras.optimizers.Adam(lr=1e-3)\n",
            3,
            fixed="import keras\n\noptimizer = keras.optimizers.Adam(learning_rate=1e-3)\n",
        ),
        Invalid(
            "from tensorflow.keras.optimizers import SGD\n\nopt = SGD(lr=0.01, momentum=0.9)\n",
            3,
            fixed="from tensorflow.keras.optimizers import SGD\n\n"
            "opt = SGD(learning_rate=0.01, momentum=0.9)\n",
        ),
        Invalid("import keras\n\nopt = keras.optimizers.SGD(0.01, decay=1e-6)\n", 3),
        Invalid("import keras\n\nopt = keras.optimizers.RMSprop(lr=0.1, learning_rate=0.1)\n", 3),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        for call in found.calls:
            lr, decay = keyword(call, "lr"), keyword(call, "decay")
            if (lr is None and decay is None) or not _is_optimizer(found.qualname(call.func)):
                continue
            if lr is not None:
                fix = None
                if keyword(call, "learning_rate") is None:
                    start, _ = offsets(ctx, lr)
                    fix = Fix(
                        "rename lr= to learning_rate=", (Edit(start, start + 2, "learning_rate"),)
                    )
                yield finding(self, ctx, lr, fix=fix)
            if decay is not None:
                message = (
                    "Keras 3 optimizers ignore `decay=`; pass a learning-rate schedule "
                    "(keras.optimizers.schedules) as `learning_rate=`"
                )
                yield finding(self, ctx, decay, message)


def _is_optimizer(qualname: str | None) -> bool:
    split = split_keras(qualname or "")
    if split is None or not split[1].startswith("optimizers."):
        return False
    path = split[1].split(".")
    return len(path) == 2 and path[1][:1].isupper()
