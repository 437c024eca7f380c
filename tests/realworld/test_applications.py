"""keras.applications, read from the installed Keras at test time and adapted as a user copies it
(``adapter.py``), converted to every style. Static only: no TensorFlow.

Every architecture stays as it is when converted to Functional, its own style. What converts to
the other styles today is listed in ``CONVERTED``; the rest is refused with the line.
``python tests/realworld/table.py`` prints the whole table.
"""

from __future__ import annotations

import pytest
from preservation import assert_preserved

from kcodegen.convert import convert
from kcodegen.ir import STYLES

from .adapter import ARCHITECTURES, Architecture, user_script
from .counts import constructors, constructors_in_new_classes

ADAPTED = list(ARCHITECTURES)
# What converts today (and is verified below, with TensorFlow); the rest is refused with the line.
CONVERTED = {
    "sequential": ("VGG16", "VGG19", "MobileNet"),
    "subclassing": (
        "VGG16",
        "VGG19",
        "MobileNet",
        "ResNet50",
        "ResNet50V2",
        "MobileNetV2",
        "DenseNet121",
        "InceptionV3",
        "Xception",
        "NASNetMobile",
        "EfficientNetB0",
        "EfficientNetV2B0",
        "MobileNetV3Small",
        "InceptionResNetV2",
        "ConvNeXtTiny",
    ),
}

# Every architecture's Subclassing output writes each layer of the source about once (at most
# 1.5 times the source's layer constructor calls): helpers became classes and loops stayed loops.
READABLE = tuple(architecture.builder for architecture in ADAPTED)

# Refused as Sequential first for its residual sum written as an operator (``inputs +
# layer(x)``: "an operation on tensors, not a layer"), then at the merges.
NOT_AT_A_MERGE = ("ConvNeXtTiny",)


@pytest.fixture(scope="module", params=ADAPTED, ids=lambda a: a.builder)
def script(request: pytest.FixtureRequest) -> tuple[Architecture, str]:
    return request.param, user_script(request.param)


def test_the_adapter_writes_a_public_script(script):
    architecture, source = script

    compile(source, architecture.module, "exec")
    assert "keras.src" not in source
    assert source.rstrip().endswith("classes=10)")


@pytest.mark.parametrize("style", STYLES)
def test_every_conversion_ends_cleanly_and_loses_nothing(script, style):
    """Converted, unchanged, or refused with the line: never an internal error, never a loss."""
    _, source = script

    conversion = convert(source, style)

    assert_preserved(conversion)
    for refusal in conversion.refusals:
        assert all(reason.line > 0 and reason.message for reason in refusal.reasons)


def test_functional_to_functional_leaves_the_file_as_it_is(script):
    """Also where kcg cannot follow the builder: the spelling says the model is Functional."""
    _, source = script

    conversion = convert(source, "functional")

    assert not conversion.refusals, conversion.refusals[0].reasons[0]
    assert conversion.output == source


@pytest.mark.parametrize(
    ("builder", "style"), [(b, style) for style, bs in CONVERTED.items() for b in bs]
)
def test_the_builders_kcg_follows_convert(builder, style):
    """Validation (``validate_activation``), the input-shape helper (MobileNetV3 computes the
    shape itself) and weight loading stay around the new code; the layers go into it."""
    architecture = next(a for a in ADAPTED if a.builder == builder)
    source = user_script(architecture)

    conversion = convert(source, style)

    assert conversion.converted == ("model",), conversion.refusals
    assert_preserved(conversion)
    kept = [
        call
        for call in ("validate_activation(classifier_activation, weights)", "obtain_input_shape(")
        if call in source
    ]
    assert kept and all(call in conversion.output for call in kept)


@pytest.mark.parametrize(
    "builder",
    [a.builder for a in ADAPTED if a.builder not in (*CONVERTED["sequential"], *NOT_AT_A_MERGE)],
)
def test_the_others_are_refused_as_sequential_where_they_first_merge(builder):
    architecture = next(a for a in ADAPTED if a.builder == builder)
    source = user_script(architecture)

    conversion = convert(source, "sequential")

    (refusal,) = conversion.refusals
    first = refusal.reasons[0]
    assert "Sequential is a single chain" in first.message, first
    assert "feeds" in first.message or "merges" in first.message, first


@pytest.mark.parametrize("builder", READABLE)
def test_subclassing_writes_each_layer_about_once(builder):
    architecture = next(a for a in ADAPTED if a.builder == builder)
    source = user_script(architecture)

    conversion = convert(source, "subclassing")

    assert constructors_in_new_classes(source, conversion.output) <= 1.5 * constructors(source)
