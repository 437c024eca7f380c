"""Running models side by side: weights by correspondence, first differing layer, failures.

Every case runs in one batch, so TensorFlow is imported once for the whole module; each test reads
the result of its own case.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.verify import (
    ModelSource,
    VerifyCase,
    VerifyFailure,
    VerifyReport,
    VerifyResult,
    verify_batch,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs the tf extra"),
]

FUNCTIONAL = """\
import keras
from keras import layers

inputs = {"a": keras.Input((3,), name="a"), "b": keras.Input((2,), name="b")}
merged = layers.concatenate([inputs["a"], inputs["b"]])
hidden = layers.Dense(8, activation="relu")(merged)
model = keras.Model(
    inputs,
    {"score": layers.Dense(1, activation="sigmoid")(hidden), "label": layers.Dense(4)(hidden)},
)
model.compile("adam")
"""

# The same function with its layers created in another order: copying weights by position
# (``set_weights(get_weights())``) would put the kernels in the wrong layers and fail.
SUBCLASS = """\
import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.score = layers.Dense(1, activation="sigmoid")
        self.label = layers.Dense(4)
        self.hidden = layers.Dense(8, activation="relu")

    def call(self, inputs):
        merged = layers.concatenate([inputs["a"], inputs["b"]])
        hidden = self.hidden(merged)
        return {"score": self.score(hidden), "label": self.label(hidden)}


model = Net()
"""

NESTED_FUNCTIONAL = """\
import keras
from keras import layers

encoder = keras.Sequential([layers.Dense(6, activation="relu"), layers.Dense(3)], name="encoder")
inputs = keras.Input((4,))
model = keras.Model(inputs, layers.Dense(2)(encoder(inputs)))
"""

NESTED_SUBCLASS = """\
import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.head = layers.Dense(2)
        self.encoder = keras.Sequential([layers.Dense(6, activation="relu"), layers.Dense(3)])

    def call(self, inputs):
        return self.head(self.encoder(inputs))


model = Net()
"""

# Keras inlines the backbone's layers into the outer graph: no operation stands for `base`.
INLINED_BACKBONE = """\
import keras
from keras import layers

base = keras.applications.MobileNet(input_shape=(32, 32, 3), alpha=0.25, weights=None, include_top=False)
x = layers.GlobalAveragePooling2D()(base.layers[-1].output)
model = keras.Model(base.input, layers.Dense(2)(x))
"""

EMBEDDING = """\
import keras
from keras import layers

VOCAB = 5  # integer inputs of 5 or more would make the lookup fail
model = keras.Sequential(
    [keras.Input((None,)), layers.Embedding(VOCAB, 3), layers.GlobalAveragePooling1D(), layers.Dense(2)]
)
"""

DEEPER = """\
import keras

inputs = keras.Input((4,))
x = keras.layers.Dense(8)(inputs)
x = keras.layers.Dense(8)(x)
model = keras.Model(inputs, keras.layers.Dense(2)(x))
"""

BROKEN = """\
import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8)
        self.out = layers.Dense(2)

    def call(self, inputs):
        x = self.hidden(inputs)
        return self.out(x) + x


model = Net()
model.build((None, 4))
"""


def side(text: str, path: str) -> ModelSource:
    (graph,) = [g for g in parse_models(text).models if g.name == "model"]
    return ModelSource(text, graph, path)


def converted(sample: str, style: str, edit: tuple[str, str] = ("", "")) -> tuple[str, str]:
    """(original, converted with `edit` applied) for a bundled sample."""
    original = (SAMPLES / sample / "model.py").read_text()
    output = convert(original, style).output  # type: ignore[arg-type]
    assert edit[0] in output
    return original, output.replace(*edit, 1)


SIAMESE = converted("siamese_shared_dense", "subclassing")
SIAMESE_CHANGED = converted(
    "siamese_shared_dense",
    "subclassing",
    ('Dense(8, activation="relu")', 'Dense(8, activation="tanh")'),
)
SEQUENTIAL_CHANGED = converted(
    "sequential_add_named",
    "functional",
    ('Dense(32, activation="relu", name="hidden_2")', 'Dense(32, name="hidden_2")'),
)

CASES = {
    "reordered": (side(FUNCTIONAL, "functional.py"), side(SUBCLASS, "subclass.py")),
    "activation": (
        side(FUNCTIONAL, "functional.py"),
        side(SUBCLASS.replace('"sigmoid"', '"tanh"'), "subclass.py"),
    ),
    "broken": (side(BROKEN.replace(" + x", ""), "working.py"), side(BROKEN, "broken.py")),
    "shared": (side(SIAMESE[0], "siamese.py"), side(SIAMESE[1], "converted.py")),
    "shared changed": (side(SIAMESE_CHANGED[0], "siamese.py"), side(SIAMESE_CHANGED[1], "c.py")),
    "sequential changed": (
        side(SEQUENTIAL_CHANGED[0], "sequential.py"),
        side(SEQUENTIAL_CHANGED[1], "functional.py"),
    ),
    "nested": (side(NESTED_FUNCTIONAL, "nested.py"), side(NESTED_SUBCLASS, "nested_sub.py")),
    "inlined backbone": (
        side(INLINED_BACKBONE, "backbone.py"),
        side(convert(INLINED_BACKBONE, "subclassing").output, "backbone_sub.py"),
    ),
    "embedding": (
        side(EMBEDDING, "embedding.py"),
        side(convert(EMBEDDING, "functional").output, "embedding_f.py"),
    ),
    "wider": (
        side(FUNCTIONAL, "functional.py"),
        side(SUBCLASS.replace("Dense(8,", "Dense(16,"), "wide.py"),
    ),
    "unmatched": (
        side(DEEPER, "deeper.py"),
        side(DEEPER.replace("x = keras.layers.Dense(8)(x)\n", ""), "shallow.py"),
    ),
}


@pytest.fixture(scope="module")
def results() -> dict[str, VerifyResult]:
    cases = [VerifyCase(*pair) for pair in CASES.values()]
    return dict(zip(CASES, verify_batch(cases, timeout=120), strict=True))


def report(results: dict[str, VerifyResult], name: str) -> VerifyReport:
    result = results[name]
    assert isinstance(result, VerifyReport), result.summary()
    return result


def test_weights_follow_the_correspondence_not_the_creation_order(results: dict) -> None:
    reordered = report(results, "reordered")
    assert reordered.equivalent, reordered.details()
    assert reordered.copied == 6
    assert [o.name for o in reordered.outputs] == ["label", "score"]


def test_a_changed_activation_is_named_with_its_attribute_and_line(results: dict) -> None:
    changed = report(results, "activation")
    assert not changed.equivalent
    label, score = changed.outputs
    assert label.ok and not score.ok
    difference = changed.first_difference
    assert difference is not None
    assert (difference.converted.cls, difference.converted.name) == ("Dense", "score")
    assert (difference.converted.path, difference.converted.line) == ("subclass.py", 8)
    assert (difference.original.path, difference.original.line) == ("functional.py", 9)


def test_a_shared_layer_gets_one_set_of_weights(results: dict) -> None:
    shared = report(results, "shared")
    assert shared.equivalent, shared.details()
    assert shared.copied == 4  # the shared Dense once (kernel, bias), then the head


def test_the_first_call_of_a_changed_shared_layer_is_the_first_difference(results: dict) -> None:
    difference = report(results, "shared changed").first_difference
    assert difference is not None
    assert (difference.original.name, difference.original.call_line) == ("shared", 10)
    assert difference.converted.name == "shared"


def test_sequential_layers_are_found_by_position(results: dict) -> None:
    difference = report(results, "sequential changed").first_difference
    assert difference is not None
    assert (difference.original.name, difference.original.line) == ("hidden_2", 15)
    assert difference.converted.name == "hidden_2"


def test_a_nested_model_is_copied_as_a_whole(results: dict) -> None:
    nested = report(results, "nested")
    assert nested.equivalent, nested.details()
    assert nested.copied == 6


def test_a_backbone_whose_layers_keras_inlined_is_found_by_its_variable(results: dict) -> None:
    backbone = report(results, "inlined backbone")
    assert backbone.equivalent, backbone.details()
    assert backbone.copied > 50  # MobileNet's convolutions and batch norms, then the head


def test_embedding_inputs_stay_below_input_dim(results: dict) -> None:
    embedding = report(results, "embedding")
    assert embedding.equivalent, embedding.details()


def test_weight_shapes_are_checked_per_layer_with_both_lines(results: dict) -> None:
    wider = report(results, "wider")
    assert not wider.equivalent and wider.outputs == ()
    assert wider.weight_problems[0] == (
        "Dense `hidden` (functional.py:6) has weights [(5, 8), (8,)] "
        "but Dense `hidden` (wide.py:10) has [(5, 16), (16,)]"
    )


def test_a_weighted_layer_without_a_counterpart_cannot_be_matched(results: dict) -> None:
    unmatched = report(results, "unmatched")
    assert not unmatched.equivalent
    assert any(
        problem.startswith("cannot match layer Dense `x` (deeper.py:4): no layer of the converted")
        for problem in unmatched.weight_problems
    ), unmatched.weight_problems


def test_code_that_raises_is_a_failure_at_its_line_and_the_batch_goes_on(results: dict) -> None:
    broken = results["broken"]
    assert isinstance(broken, VerifyFailure) and broken.kind == "build"
    assert broken.message.startswith(
        "broken.py:13:16: InvalidArgumentError while building the model"
    )
    assert "\n" not in broken.message
    after = list(results)[list(results).index("broken") + 1 :]
    assert after and all(isinstance(results[name], VerifyReport) for name in after)


BUILDERS = """\
import keras


def make_encoder(width=8):
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, keras.layers.Dense(width)(inputs))


def make_head(encoder):
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, keras.layers.Dense(1)(encoder(inputs)))


encoder = make_encoder(width=6)
head = make_head(encoder)
"""


def test_a_builder_is_run_as_the_module_first_calls_it() -> None:
    graphs = {graph.name: graph for graph in parse_models(BUILDERS).models}
    targets = {name: ModelSource(BUILDERS, graph).target for name, graph in graphs.items()}
    assert targets == {"make_encoder": "make_encoder(width=6)", "make_head": "make_head(encoder)"}
    alone = BUILDERS.split("encoder = make_encoder")[0]
    graph = next(g for g in parse_models(alone).models if g.name == "make_encoder")
    assert ModelSource(alone, graph).target == "make_encoder()"  # never called: its defaults


def test_a_builder_reached_through_another_is_run_by_the_call_the_module_makes() -> None:
    """``model = DenseNet121()`` calls ``DenseNet(blocks)``, which builds the model: running
    ``DenseNet()`` with no arguments would fail, so the call the module makes is run."""
    source = (
        "import keras\n\n\ndef build(widths):\n    inputs = keras.Input(shape=(4,))\n"
        "    x = inputs\n    for width in widths:\n        x = keras.layers.Dense(width)(x)\n"
        "    return keras.Model(inputs, x)\n\n\ndef small():\n    return build([3, 2])\n\n\n"
        "model = small()\n"
    )
    (graph,) = parse_models(source).models
    assert graph.site.function == "build"
    assert ModelSource(source, graph).target == "small()"
