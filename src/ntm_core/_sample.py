"""The bundled Hà Tĩnh sample: real unit codes and names, SYNTHETIC indicator values.

The values (periods 2021–2024) come from ``scripts/make_ha_tinh_sample.py``,
a seeded generator calibrated to the public figures in the project's legal
facts; the threshold sheet beside them fills, with provenance
``illustrative``, the thresholds the national rules do not know yet. None of
it is official statistics.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from ntm_core.admin import AdminUnit

__all__ = ["SAMPLE_DIR", "ha_tinh_units", "sample_path"]

SAMPLE_DIR = Path(str(resources.files("ntm_core") / "datasets" / "ha_tinh"))
"""Where the bundled Hà Tĩnh files live."""


def sample_path(name: str) -> Path:
    """A file of the bundled Hà Tĩnh sample (``sample-observations.csv``, ``targets.toml``…)."""
    return SAMPLE_DIR / name


def ha_tinh_units(on: dt.date) -> list[AdminUnit]:
    """Hà Tĩnh's administrative units (real GSO codes and names) existing on ``on``."""
    from ntm_core.datasets import ha_tinh_tree

    return list(ha_tinh_tree().as_of(on).units())
