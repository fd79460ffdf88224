"""The Hypothesis settings of the kata tests, loaded the moment Hypothesis is imported.

pyproject.toml registers :func:`load` as a ``hypothesis`` entry point, which
Hypothesis runs at the end of its own import. So a run whose tests use no
property test (``kata check`` of most katas) never imports Hypothesis, a
quarter of a second, and a test module that does use it is decorated with
these settings already in place. Without the entry point (the project not
installed) the plugin loads them at start-up instead.
"""

from __future__ import annotations

import importlib.metadata
import os

ENTRY_POINT = "kata.hypothesis_profile:load"
shrink = True  # the plugin sets this False for --kata-no-shrink, before Hypothesis is imported


def load() -> None:
    """Register and load the ``kata`` profile: no deadline, derandomized, no example database,
    60 examples, one bug reported, no explain phase, and no shrink phase unless ``shrink``."""
    import hypothesis

    left_out = {hypothesis.Phase.explain} | (set() if shrink else {hypothesis.Phase.shrink})
    hypothesis.settings.register_profile(
        "kata",
        deadline=None,
        derandomize=True,
        database=None,
        max_examples=60,
        report_multiple_bugs=False,
        # The explain phase re-runs a failing example line by line: seconds per stub test before Python 3.12.
        phases=[phase for phase in hypothesis.Phase if phase not in left_out],
    )
    hypothesis.settings.load_profile("kata")


def loads_on_import() -> bool:
    """Whether Hypothesis will run :func:`load` itself when it is imported (the project is installed
    and Hypothesis's plugins are not turned off)."""
    if os.environ.get("HYPOTHESIS_NO_PLUGINS"):
        return False
    return any(entry.value == ENTRY_POINT for entry in importlib.metadata.entry_points(group="hypothesis"))
