"""The check the block-class tests share: a Subclassing conversion, run, computes what the
original computes (TensorFlow; the tests that use it are marked slow)."""

from __future__ import annotations

import pytest

from kcodegen.convert import convert


def assert_subclass_computes_the_same(original: str, path: str = "blocks.py") -> None:
    pytest.importorskip("tensorflow")
    from kcodegen.verify.conversion import verify_conversion

    conversion = convert(original, "subclassing")
    assert conversion.converted, conversion.refusals
    ((_, result),) = verify_conversion(
        original, conversion.output, conversion.models, path=path, binds={}
    )
    assert result.equivalent, result.details()  # type: ignore[union-attr]
