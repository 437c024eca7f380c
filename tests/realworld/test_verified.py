"""The real-code conversions that succeed, run: each converted keras.applications script builds a
model that computes what the original computes (weights copied across, seeded inputs), in one
verification worker. Slow: TensorFlow builds every model."""

from __future__ import annotations

import importlib.util

import pytest

from kcodegen.convert import convert
from kcodegen.verify import VerifyReport, VerifySession
from kcodegen.verify.conversion import verify_conversion

from .adapter import ARCHITECTURES, user_script
from .test_applications import CONVERTED

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs the tf extra"),
]


@pytest.fixture(scope="module")
def session():
    with VerifySession(timeout_per_case=600) as shared:
        yield shared


@pytest.mark.parametrize(
    ("builder", "style"), [(b, style) for style, bs in CONVERTED.items() for b in bs]
)
def test_converted_architectures_compute_the_same(session, builder, style):
    architecture = next(a for a in ARCHITECTURES if a.builder == builder)
    source = user_script(architecture)
    conversion = convert(source, style)
    assert conversion.converted == ("model",), conversion.refusals

    ((model_name, result),) = verify_conversion(
        source,
        conversion.output,
        conversion.models,
        path=f"{architecture.module}.py",
        binds={},
        assume={a.name: a.value for a in conversion.assumptions},
        session=session,
    )

    assert model_name == "model"
    assert isinstance(result, VerifyReport), result
    assert result.equivalent, result.details()
    assert result.outputs
