"""Fixtures of the property tests: long-lived workers, per-test counts, and the end-of-run report
(printed always; written as JSON by the long profile, see ``profiles``)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from .oracle import Oracle
from .profiles import LONG, PROFILE, REPORT, SEED
from .roundtrip import Tally

_TALLIES: dict[str, Tally] = {}  # by test
_STARTED: list[float] = []


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Tally:
    """This test's counts over all its examples, reported by ``pytest_terminal_summary``."""
    _STARTED.append(time.monotonic())
    return _TALLIES.setdefault(request.node.name, Tally())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _TALLIES:
        return
    seconds = round(time.monotonic() - _STARTED[0], 1)
    write = terminalreporter.write_line
    for test, counts in _TALLIES.items():
        write(f"{test} ({PROFILE} profile): {counts.summary()}")
    if LONG:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, object] = {"profile": PROFILE, "seed": SEED, "seconds": seconds}
        for test, counts in _TALLIES.items():
            data[test] = {
                **counts.counts(),
                "constructs": dict(counts.constructs.most_common()),
                "failure_kinds": dict(
                    Counter(f"{f.pair}: {f.message.split(':', 1)[0]}" for f in counts.failures)
                ),
                "failure_details": [vars(f) for f in counts.failures],
            }
        REPORT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        write(
            f"{seconds} s, seed {SEED} (repeat with KCG_PROPERTY_SEED={SEED}); counts in {REPORT}"
        )


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    """One process that runs the emitter's modules without the product (imports Keras once)."""
    pytest.importorskip("tensorflow")
    worker = Oracle()
    yield worker
    worker.close()
