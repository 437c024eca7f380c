"""KCG209: saving weights to a path Keras 3 refuses (not ``.weights.h5``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import (
    Index,
    argument,
    constant,
    finding,
    index,
    keyword,
    keyword_value,
    literal_ending,
    method_calls,
)
from kcodegen.lint.rules._imports import split_keras

_CHECKPOINT = "keras.callbacks.ModelCheckpoint"


class WeightsSavePath(Rule):
    """What it finds: ``model.save_weights(path)`` and ``ModelCheckpoint(path,
    save_weights_only=True)`` with a literal path that does not end in ``.weights.h5``
    (``.weights.json`` when ``save_weights`` shards with ``max_shard_size``).

    Why it matters: Keras 3 raises "The filename must end in `.weights.h5`" for the TensorFlow
    checkpoint prefixes and plain ``.h5``/``.hdf5`` names that Keras 2 accepted; a checkpoint
    callback fails when it is created, a final ``save_weights`` after the whole training run.

    Example:
        model.save_weights("checkpoints/model.h5")
        keras.callbacks.ModelCheckpoint("ckpt/cp-{epoch:04d}.ckpt", save_weights_only=True)

    Use instead:
        model.save_weights("checkpoints/model.weights.h5")
        keras.callbacks.ModelCheckpoint("ckpt/cp-{epoch:04d}.weights.h5", save_weights_only=True)
    """

    code = "KCG209"
    name = "weights-save-path"
    message = "Keras 3 saves weights only to files ending in `.weights.h5`"
    needs = "text"
    triggers = ("save_weights",)  # both calls and save_weights_only=
    fixable = False

    VALID = (
        "import keras\nmodel.save_weights('model.weights.h5')\n",
        "import keras\nmodel.save_weights('w.weights.json', max_shard_size=2)\n",
        "import keras\ncb = keras.callbacks.ModelCheckpoint('best.keras', save_weights_only=False)\n",
        "import tf_keras\nmodel.save_weights('model.h5')\n",  # Keras 2 still writes these
        "import keras\nmodel.save_weights(f'{run}/{name}')\n",  # unknown ending
    )
    INVALID = (
        Invalid("import keras\n\nmodel.save_weights('checkpoints/model.h5')\n", 3),
        Invalid(
            "import tensorflow as tf\n\ncb = tf.keras.callbacks.ModelCheckpoint(\n"
            "    'ckpt/cp-{epoch:04d}.ckpt', save_weights_only=True, verbose=1)\n",
            3,
        ),
        Invalid("from tensorflow import keras\n\nmodel.save_weights(f'{root}/final_weights')\n", 3),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        if any(bound.partition(".")[0] == "tf_keras" for bound in found.bindings.values()):
            return  # Keras 2 code
        for call, _ in method_calls(found, "save_weights"):
            ending = literal_ending(argument(call, 0, "filepath"))
            sharded = keyword(call, "max_shard_size") is not None
            expected = (".weights.json", ".weights.h5") if sharded else (".weights.h5",)
            if ending is not None and not ending.endswith(expected):
                yield finding(self, ctx, call)
        for call in found.calls:
            if not _weights_checkpoint(found, call):
                continue
            ending = literal_ending(argument(call, 0, "filepath"))
            if ending is not None and not ending.endswith(".weights.h5"):
                yield finding(self, ctx, call)


def _weights_checkpoint(found: Index, call: ast.Call) -> bool:
    qualname = found.qualname(call.func)
    return (
        qualname is not None
        and split_keras(qualname) is not None
        and found.resolve(call.func) == _CHECKPOINT
        and constant(keyword_value(call, "save_weights_only")) is True
    )
