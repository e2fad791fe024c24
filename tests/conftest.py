"""Hypothesis profiles for the whole suite, chosen by ``HYPOTHESIS_PROFILE``:

- ``ci`` (default): 30 examples per property, so the suite stays fast on two cores;
- ``deep`` (local or nightly: ``HYPOTHESIS_PROFILE=deep python -m pytest -n 2 -q``): 1500
  examples per property, at least as many as any property ran before the profiles (the JCS
  property had 1500, every other one 20 to 500).

Tests set no ``max_examples`` of their own, so one switch deepens every property.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=30, deadline=None, print_blob=True)
settings.register_profile("deep", max_examples=1500, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
