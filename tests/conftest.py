"""Shared test configuration."""

import os

from hypothesis import HealthCheck, settings

# CI runs on a small shared machine: no deadlines, a fixed number of examples.
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
# HYPOTHESIS_PROFILE=long: a thorough run (the fuzz suite over every reader, the properties).
settings.register_profile(
    "long", max_examples=5_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
