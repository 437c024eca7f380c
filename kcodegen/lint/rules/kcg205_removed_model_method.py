"""KCG205: ``fit_generator``, ``evaluate_generator``, ``predict_generator``, ``predict_classes``."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.lint.rule import Edit, Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import finding, index, method_calls, offsets

# The method that replaces each, and the keywords the two have in common (others cannot move).
_SUCCESSORS = {
    "fit_generator": (
        "fit",
        frozenset(
            {
                "steps_per_epoch",
                "epochs",
                "verbose",
                "callbacks",
                "validation_data",
                "validation_steps",
                "validation_freq",
                "class_weight",
                "shuffle",
                "initial_epoch",
            }
        ),
    ),
    "evaluate_generator": ("evaluate", frozenset({"steps", "callbacks", "verbose"})),
    "predict_generator": ("predict", frozenset({"steps", "callbacks", "verbose"})),
}
_NO_QUEUE = (
    "; `workers`, `use_multiprocessing` and `max_queue_size` now belong to a keras.utils.PyDataset"
)


class RemovedModelMethod(Rule):
    """What it finds: calls of ``Model`` methods that Keras 3 no longer has: ``fit_generator``,
    ``evaluate_generator``, ``predict_generator`` and ``predict_classes``.

    Why it matters: they fail with ``AttributeError``. ``fit``, ``evaluate`` and ``predict`` have
    accepted generators and ``tf.data`` datasets since TensorFlow 2.1; ``predict_classes`` went in
    TensorFlow 2.6.

    Example:
        model.fit_generator(train_batches, steps_per_epoch=100, epochs=5)
        labels = model.predict_classes(images)

    Use instead:
        model.fit(train_batches, steps_per_epoch=100, epochs=5)
        labels = np.argmax(model.predict(images), axis=-1)
    """

    code = "KCG205"
    name = "removed-model-method"
    message = "Keras 3 models have no such method"
    needs = "text"
    triggers = ("_generator(", "predict_classes(")
    fixable = True

    VALID = (
        "model.fit(train_batches, steps_per_epoch=100, epochs=5)\n",
        "batches = datagen.flow_from_directory(path)\nmodel.predict(batches)\n",
        "def fit_generator(data):\n    return data\n",
        "labels = clf.predict_proba(x)\n",  # scikit-learn, not Keras
    )
    INVALID = (
        Invalid(
            "model.fit_generator(train_batches, steps_per_epoch=100, epochs=5)\n",
            1,
            fixed="model.fit(train_batches, steps_per_epoch=100, epochs=5)\n",
        ),
        Invalid(
            "scores = model.evaluate_generator(test_batches, steps=10)\n",
            1,
            fixed="scores = model.evaluate(test_batches, steps=10)\n",
        ),
        Invalid("model.fit_generator(train_batches, 100, 5)\n", 1),  # positions differ in fit
        Invalid("model.fit_generator(batches, epochs=5, workers=4, use_multiprocessing=True)\n", 1),
        Invalid("labels = model.predict_classes(images)\n", 1),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        methods = (*_SUCCESSORS, "predict_classes")
        for call, func in method_calls(index(ctx), *methods):
            if func.attr == "predict_classes":
                message = "Keras 3 models have no `predict_classes`; use `np.argmax(model.predict(x), axis=-1)`"
                yield finding(self, ctx, call, message)
                continue
            successor, shared = _SUCCESSORS[func.attr]
            message = f"Keras 3 models have no `{func.attr}`; `{successor}` takes generators"
            if _movable(call, shared):
                _, end = offsets(ctx, func)
                edit = Edit(end - len(func.attr), end, successor)
                yield finding(self, ctx, call, message, Fix(f"call {successor}", (edit,)))
            else:
                queue = any(
                    kw.arg in ("workers", "use_multiprocessing", "max_queue_size")
                    for kw in call.keywords
                )
                yield finding(self, ctx, call, message + (_NO_QUEUE if queue else ""))


def _movable(call: ast.Call, shared: frozenset[str]) -> bool:
    """Only the generator may be positional: the successors' later parameters are different."""
    return (
        len(call.args) <= 1
        and not any(isinstance(arg, ast.Starred) for arg in call.args)
        and all(kw.arg in shared for kw in call.keywords)
    )
