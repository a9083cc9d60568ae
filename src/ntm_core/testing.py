"""Hypothesis strategies for testing code that uses ntm_core.

Importing this module needs :mod:`hypothesis` (the ``test`` extra). The
library's own tests use the same strategies, re-exported by
``tests/strategies.py``.

>>> from hypothesis import given
>>> from ntm_core.testing import outcomes
>>> @given(outcomes())
... def test_and_is_idempotent(outcome):
...     assert outcome & outcome is outcome
>>> test_and_is_idempotent()

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from ntm_core._core.vocabulary import CommuneGroup, Outcome, Provenance, Region, Tier
from ntm_core.admin import AdminLevel, AdminUnit

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


def outcomes() -> st.SearchStrategy[Outcome]:
    """Any of the four outcomes."""
    return st.sampled_from(Outcome)


def tiers() -> st.SearchStrategy[Tier]:
    """Any tier."""
    return st.sampled_from(Tier)


def regions() -> st.SearchStrategy[Region]:
    """Any of the 7 NTM regions."""
    return st.sampled_from(Region)


def commune_groups() -> st.SearchStrategy[CommuneGroup]:
    """Any of the 3 commune groups of 2026–2030."""
    return st.sampled_from(CommuneGroup)


def provenances() -> st.SearchStrategy[Provenance]:
    """Any provenance mark."""
    return st.sampled_from(Provenance)


def unit_codes() -> st.SearchStrategy[str]:
    """GSO-like unit codes: 2 to 5 digits, leading zeros allowed."""
    return st.text(alphabet="0123456789", min_size=2, max_size=5)


_VI_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)


def vietnamese_names() -> st.SearchStrategy[str]:
    """Vietnamese-looking names of one to four words, NFC, capitalised."""
    word = st.text(alphabet=_VI_LETTERS, min_size=1, max_size=7).map(str.capitalize)
    return st.lists(word, min_size=1, max_size=4).map(" ".join)


def decimal_magnitudes(
    *, min_value: int = 0, max_value: int = 10**9, places: int = 3
) -> st.SearchStrategy[Decimal]:
    """Finite decimals with at most ``places`` digits after the point."""
    return st.decimals(
        min_value=min_value,
        max_value=max_value,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )


def admin_units(
    level: AdminLevel | None = None, *, parent_code: str | None = None
) -> st.SearchStrategy[AdminUnit]:
    """Administrative units with valid, possibly open, validity intervals."""
    levels = st.just(level) if level is not None else st.sampled_from(AdminLevel)
    starts = st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))

    @st.composite
    def build(draw: st.DrawFn) -> AdminUnit:
        start = draw(starts)
        end = None
        if draw(st.booleans()):
            first = (start or dt.date(2000, 1, 1)) + dt.timedelta(days=1)
            end = draw(st.dates(first, dt.date(2040, 1, 1)))
        return AdminUnit(
            code=draw(unit_codes()),
            name=draw(vietnamese_names()),
            level=draw(levels),
            parent_code=parent_code,
            valid_from=start,
            valid_to=end,
        )

    return build()
