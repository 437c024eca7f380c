"""Random model graphs, written in every style they fit, converted across every pair of styles.

See ``roundtrip`` for what each pair must satisfy and ``profiles`` for the quick and long runs.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, seed

from kcodegen.verify import VerifySession

from .emit import Writing, emit_all, styles_of, writings
from .graphs import Graph, graphs
from .oracle import Oracle
from .profiles import LONG, REPORT, SEED, profile_settings
from .roundtrip import Failure, Tally, round_trip, session_verify

static = pytest.mark.skipif(LONG, reason="the long profile runs only the verified round trips")


def _describe(failures: list[Failure]) -> str:
    return "\n\n".join(f"{f.pair}: {f.message}\n--- source:\n{f.source}" for f in failures)


@static
@profile_settings(quick=200, long=1)
@given(graph=graphs(), writing=writings)
def test_emitted_modules_compile_and_lines_point_at_steps(graph: Graph, writing: Writing) -> None:
    emitted = emit_all(graph, writing)
    assert ("sequential" in emitted) == graph.is_chain
    assert tuple(emitted) == styles_of(graph)
    for module in emitted.values():
        compile(module.source, f"<{module.style}>", "exec")
        lines = module.source.splitlines()
        for index, line in enumerate(module.step_lines):
            assert module.step_texts[index] in lines[line - 1]
        if module.style != "sequential":
            for index in range(len(graph.inputs)):
                assert module.tensor_names[index] in module.source


@static
@pytest.mark.slow
def test_round_trip_without_running(tally: Tally) -> None:
    """Refusals and their reasons, re-parsing, idempotence, self-conversion: no TensorFlow."""

    @profile_settings(quick=30, long=1)
    @given(graph=graphs(), writing=writings)
    def check(graph: Graph, writing: Writing) -> None:
        failures = round_trip(graph, writing, None, tally)
        if failures:
            raise AssertionError(_describe(failures))

    check()


@pytest.mark.slow
def test_round_trip_verified(verify_session: VerifySession, tally: Tally) -> None:
    """Everything the static test checks, and both models compute the same on the same weights."""
    verify = session_verify(verify_session)

    @profile_settings(quick=20, long=2000)
    @given(graph=graphs(), writing=writings)
    def check(graph: Graph, writing: Writing) -> None:
        failures = round_trip(graph, writing, verify, tally)
        if failures and not LONG:
            raise AssertionError(_describe(failures))

    (seed(SEED)(check) if LONG else check)()
    failing = len(tally.failures)
    assert failing == 0, f"{failing} failing pairs, details in {REPORT}"


@pytest.mark.slow
def test_emitted_styles_compute_the_same(oracle: Oracle) -> None:
    """The tests' emitter is right: its styles of one graph agree, run without the product."""

    @profile_settings(quick=8, long=300)
    @given(graph=graphs(), writing=writings)
    def check(graph: Graph, writing: Writing) -> None:
        named = dataclasses.replace(writing, names=True)  # the oracle pairs layers by name
        modules = list(emit_all(graph, named).values())
        assert oracle.max_difference(graph, modules, named.inputs == "dict") <= 1e-5

    (seed(SEED)(check) if LONG else check)()
