"""The quick and long Hypothesis profiles of the property tests, chosen by environment variables.

``KCG_PROPERTY_PROFILE`` picks the profile (applied to these tests only, never globally):

- ``quick`` (default): part of ``python -m pytest``; few examples, derandomized so CI is repeatable,
  and a failure is shrunk and raised.
- ``long``: on demand; thousands of models, a fresh random seed (printed; set one with
  ``KCG_PROPERTY_SEED``), every failure recorded and the run carried on, counts written to
  ``.property-runs/last_long_run.json`` (``KCG_PROPERTY_REPORT`` writes elsewhere).

``KCG_PROPERTY_EXAMPLES`` overrides the number of examples of either profile.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

PROFILE = os.environ.get("KCG_PROPERTY_PROFILE", "quick")
LONG = PROFILE == "long"
SEED = int(os.environ.get("KCG_PROPERTY_SEED") or random.SystemRandom().randrange(2**32))
REPORT = Path(
    os.environ.get("KCG_PROPERTY_REPORT")
    or Path(__file__).resolve().parents[2] / ".property-runs" / "last_long_run.json"
)

_COMMON = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("kcg-property-quick", _COMMON, derandomize=True)
# The long run records failures instead of raising them, so there is nothing to shrink.
settings.register_profile("kcg-property-long", _COMMON, phases=[Phase.generate])


def profile_settings(quick: int, long: int) -> settings:
    """Settings for one test: ``quick`` or ``long`` examples, or ``KCG_PROPERTY_EXAMPLES``."""
    count = int(os.environ.get("KCG_PROPERTY_EXAMPLES") or (long if LONG else quick))
    return settings(settings.get_profile(f"kcg-property-{PROFILE}"), max_examples=count)
