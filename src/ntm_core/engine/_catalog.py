"""The indicators an assessment reads: keys, legal codes, kinds and canonical units."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from ntm_core.rules._model import Indicator, RuleSet

__all__ = ["IndicatorCatalog"]


def _frozen_indicators(value: Mapping[str, Indicator]) -> Mapping[str, Indicator]:
    return MappingProxyType(dict(value))


def _frozen_codes(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class IndicatorCatalog:
    """Every indicator of a set of editions, by stable key and by legal code.

    Readers use it to recognise columns (a key such as ``income_per_capita``
    or the legal code ``10`` of the first edition that defines it), to learn
    each column's kind and canonical unit, and to suggest a key for a column
    they do not know.

    .. versionadded:: 0.1.0
    """

    indicators: Mapping[str, Indicator] = attrs.field(converter=_frozen_indicators)
    codes: Mapping[str, str] = attrs.field(converter=_frozen_codes)

    @classmethod
    def from_editions(cls, editions: Iterable[RuleSet]) -> IndicatorCatalog:
        """The indicators of ``editions``; earlier editions win for legal codes."""
        indicators: dict[str, Indicator] = {}
        codes: dict[str, str] = {}
        for edition in editions:
            for _, indicator in edition.indicators():
                indicators.setdefault(indicator.key, indicator)
                codes.setdefault(indicator.code, indicator.key)
        return cls(indicators=indicators, codes=codes)

    def resolve(self, name: str) -> Indicator | None:
        """The indicator a column name means (key first, then legal code), or ``None``."""
        text = name.strip()
        if text in self.indicators:
            return self.indicators[text]
        key = self.codes.get(text)
        return self.indicators[key] if key is not None else None

    def suggest(self, name: str) -> str | None:
        """The closest known key, for a did-you-mean."""
        close = difflib.get_close_matches(name.strip(), list(self.indicators), n=1, cutoff=0.6)
        return close[0] if close else None
