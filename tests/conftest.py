"""Shared test configuration: hypothesis profiles and paths to the real rules and scenarios."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# broken/ holds fixtures that test_broken.py reads, not tests: its scenarios/ folder must stay out of the
# reach of servanda's own pytest plugin, which would otherwise collect those files as failing scenarios.
collect_ignore = ["broken"]

settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("SERVANDA_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def real_rules():
    """The compiled rules/ folder of the repository."""
    from servanda import load_rules

    return load_rules(ROOT / "rules")
