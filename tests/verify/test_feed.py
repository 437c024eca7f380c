"""The seeded inputs: dtypes, bounds, unknown dimensions, structure."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from kcodegen.verify import InputSignature

np = pytest.importorskip("numpy")
feed = pytest.importorskip("kcodegen.verify.feed")


def make(*specs: InputSignature, structure: str = "list", **namespace: object) -> object:
    signature = [asdict(spec) for spec in specs]
    return feed.make_inputs(signature, structure, np.random.default_rng(0), namespace)


def test_integers_stay_below_the_bound_written_as_an_expression() -> None:
    (tokens,) = make(InputSignature(None, (500,), "int32", None, "VOCAB + 1"), VOCAB=2)
    assert tokens.dtype == np.int32 and tokens.shape == (feed.BATCH, 500)
    assert set(np.unique(tokens)) == {0, 1, 2}


def test_unknown_dimensions_get_a_small_size_and_floats_are_normal() -> None:
    (x,) = make(InputSignature(None, (None, 3)))
    assert x.shape == (feed.BATCH, feed.UNKNOWN_DIM, 3) and x.dtype == np.float32
    assert x.min() < 0 < x.max()


def test_a_range_bounds_floats_and_integers() -> None:
    floats, ints = make(
        InputSignature(None, (1000,), value_range=(2.0, 3.0)),
        InputSignature(None, (1000,), "int64", maxval=100, value_range=(5, 7)),
    )
    assert floats.min() >= 2.0 and floats.max() < 3.0
    assert set(np.unique(ints)) == {5, 6}


def test_dict_inputs_by_key_and_the_same_seed_gives_the_same_arrays() -> None:
    specs = (InputSignature("a", (2,)), InputSignature("b", (1,), "bool"))
    first, again = make(*specs, structure="dict"), make(*specs, structure="dict")
    assert sorted(first) == ["a", "b"] and first["b"].dtype == np.bool_
    assert np.array_equal(first["a"], again["a"])
