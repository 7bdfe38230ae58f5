"""Settings for the reliability suite's property-based tests (hypothesis).

By default (CI) every run tries the same examples (`derandomize`), few enough to keep the
fuzz tests to seconds, and writes no example database into the checkout. `COACH_FUZZ=long`
explores: many more examples, a fresh random seed each run, and a failure is printed with
the `@reproduce_failure` line that replays it. `pytest --hypothesis-seed=N` pins a seed.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The autouse COACH_HOME fixture is function-scoped; the fuzz tests never rely on it
# being fresh per example (each example that needs a home makes its own).
_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, suppress_health_check=_QUIET
)
settings.register_profile("long", deadline=None, print_blob=True, suppress_health_check=_QUIET)
settings.load_profile("long" if os.environ.get("COACH_FUZZ") == "long" else "ci")
