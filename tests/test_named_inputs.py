"""A Functional model whose inputs are named accepts them as a list and as a dict keyed by those
names. Converted to Subclassing and back it still does, and verification feeds both."""

from __future__ import annotations

import pytest

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.verify import ModelSource, VerifyCase, VerifyReport, VerifySession, added_classes
from kcodegen.verify.report import BY_NAME

NAMED = """\
import keras
from keras import layers

features = keras.Input((16,), name="features")
context = keras.Input((4,), name="context")
h = layers.Dense(4)(features)
scores = layers.Dense(2)(layers.Concatenate()([h, context]))
model = keras.Model([features, context], scores)
"""
# The subclass as kcg wrote it before: it unpacks a list and fails on a dict.
LIST_ONLY = """\
import keras
from keras import layers


class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(4)
        self.concatenate = layers.Concatenate()
        self.dense_1 = layers.Dense(2)

    def call(self, inputs):
        features, context = inputs
        h = self.dense(features)
        return self.dense_1(self.concatenate([h, context]))


model = MyModel()
model([keras.Input(shape=(16,)), keras.Input(shape=(4,))])
"""


def test_the_subclass_takes_a_dict_by_name_and_converts_back_with_the_names():
    subclass = convert(NAMED, "subclassing").output
    assert 'features, context = inputs["features"], inputs["context"]' in subclass
    assert 'keras.Input(shape=(16,), name="features")' in subclass

    back = convert(subclass, "functional").output

    assert 'features = keras.Input(shape=(16,), name="features")' in back
    assert 'context = keras.Input(shape=(4,), name="context")' in back
    (graph,) = parse_models(back).models
    assert [spec.keras_name for spec in graph.inputs] == ["features", "context"]


def _verify(session: VerifySession, original: str, converted: str) -> VerifyReport:
    (ours,) = parse_models(original).models
    blocks = added_classes(original, converted)
    theirs = {g.name: g for g in parse_models(converted, None, None, blocks).models}
    case = VerifyCase(
        ModelSource(original, ours, "original.py"),
        ModelSource(converted, theirs["model"], "converted.py"),
    )
    (report,) = session.verify([case])
    assert isinstance(report, VerifyReport), report.summary()
    return report


@pytest.mark.slow
def test_verification_feeds_the_inputs_by_name_both_ways(verify_session: VerifySession):
    subclass = convert(NAMED, "subclassing").output
    back = convert(subclass, "functional").output

    for original, converted in ((NAMED, subclass), (subclass, back)):
        report = _verify(verify_session, original, converted)
        by_name = [o for o in report.outputs if o.name.startswith(BY_NAME)]
        assert report.equivalent, report.details()
        assert by_name and all(o.ok for o in by_name)
        assert "inputs also fed by name" in report.summary()


@pytest.mark.slow
def test_a_converted_model_that_refuses_the_dict_is_not_verified(verify_session: VerifySession):
    report = _verify(verify_session, NAMED, LIST_ONLY)

    assert not report.equivalent
    assert "the converted model does not" in report.summary()
