"""The ``int8`` codes of outcomes in batch arrays."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

from ntm_core._core.vocabulary import Outcome

__all__ = ["CODES", "OUTCOMES"]


class _OutcomeCodes(Mapping[Outcome, int]):
    """The ``int8`` code of each outcome in batch arrays (a read-only mapping).

    Compare arrays with ``CODES[Outcome.MET]`` and so on; the numbers are stable:
    NOT_MET 0, MET 1, UNKNOWN 2, NOT_APPLICABLE 3.
    """

    __slots__ = ()
    _CODES = MappingProxyType(
        {Outcome.NOT_MET: 0, Outcome.MET: 1, Outcome.UNKNOWN: 2, Outcome.NOT_APPLICABLE: 3}
    )

    def __getitem__(self, outcome: Outcome) -> int:
        return self._CODES[outcome]

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self._CODES)

    def __len__(self) -> int:
        return len(self._CODES)

    def __repr__(self) -> str:
        return f"CODES({dict(self._CODES)!r})"


CODES: Mapping[Outcome, int] = _OutcomeCodes()
"""The ``int8`` code of each outcome in batch arrays (read-only)."""
OUTCOMES: Mapping[int, Outcome] = MappingProxyType({v: k for k, v in CODES.items()})
"""The outcome of each ``int8`` code (the inverse of ``CODES``)."""
