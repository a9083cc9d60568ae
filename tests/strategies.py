"""Hypothesis strategies shared by the tests; the same ones users get from ntm_core.testing."""

from ntm_core.testing import (
    admin_units,
    commune_groups,
    decimal_magnitudes,
    outcomes,
    provenances,
    regions,
    tiers,
    unit_codes,
    vietnamese_names,
)

__all__ = [
    "admin_units",
    "commune_groups",
    "decimal_magnitudes",
    "outcomes",
    "provenances",
    "regions",
    "tiers",
    "unit_codes",
    "vietnamese_names",
]
