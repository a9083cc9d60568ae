"""OCOP targets as data (a TOML file of yearly target sets) and a portfolio's progress on them.

The public names are re-exported, and documented, by :mod:`ntm_core.ocop`.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ntm_core._core.display import Lang, check_lang
from ntm_core._core.tables import write_bytes
from ntm_core._core.vocabulary import Citation, Provenance
from ntm_core._core.workbook import workbook_bytes
from ntm_core.exceptions import DataError, InputErrors
from ntm_core.ocop import _present
from ntm_core.ocop._portfolio import Portfolio
from ntm_core.ocop._render import progress_lines

__all__ = [
    "TARGETS_SCHEMA",
    "OcopProgress",
    "OcopTarget",
    "OcopTargets",
    "TargetProgress",
    "TargetScope",
    "progress",
]

TARGETS_SCHEMA = "ntm_core.ocop-targets/1"
"""The ``schema`` value of an OCOP targets file."""


class TargetScope(enum.Enum):
    """What a target counts.

    ``NEW``: products certified with an evaluation in the target year (the
    yearly increment, as in "95 more products certified in 2021").
    ``HELD``: products holding a valid certificate on the date.

    .. versionadded:: 0.1.0
    """

    NEW = "new"
    HELD = "held"


@attrs.frozen(kw_only=True)
class OcopTarget:
    """One OCOP target: at least ``minimum`` products, of exactly ``stars`` stars if set.

    Attributes:
        key: A stable key (``certified_new``).
        minimum: The least number of products.
        scope: New in the year, or held on the date.
        stars: Count only products with exactly these stars; ``None`` counts
            every certified product.
        aspiration: A "strive for" (*phấn đấu*) goal rather than a firm minimum.
        label_vi: The target in Vietnamese.
        label_en: The target in English.

    .. versionadded:: 0.1.0
    """

    key: str
    minimum: int
    scope: TargetScope
    label_vi: str
    label_en: str
    stars: int | None = None
    aspiration: bool = False


def _targets(value: Iterable[OcopTarget]) -> tuple[OcopTarget, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class OcopTargets:
    """A unit's OCOP targets for one year, with the instrument that sets them.

    >>> from ntm_core.datasets import HA_TINH_OCOP_TARGETS
    >>> t = OcopTargets.from_toml(HA_TINH_OCOP_TARGETS, year=2022)
    >>> t.unit_name, [(x.key, x.minimum) for x in t.targets]
    ('Tỉnh Hà Tĩnh', [('certified_new', 50), ('four_star_new', 5), ('five_star', 1)])

    .. versionadded:: 0.1.0
    """

    unit_code: str
    unit_name: str
    year: int
    targets: tuple[OcopTarget, ...] = attrs.field(converter=_targets)
    citation: Citation
    provenance: Provenance
    quote: str | None = None
    source: str | None = None
    note: str | None = None

    @classmethod
    def read_all(cls, path: str | os.PathLike[str]) -> tuple[OcopTargets, ...]:
        """Every yearly target set of a targets TOML file, by year.

        Raises:
            DataError: The file cannot be read or is not a targets file.
            ExceptionGroup: Of :class:`~ntm_core.exceptions.DataError`, every
                problem of the target sets.
        """
        source = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
        except OSError as err:
            raise DataError(f"cannot read the file: {err.strerror}", source=source) from None
        except tomllib.TOMLDecodeError as err:
            raise DataError(f"not a TOML file: {err}", source=source) from None
        if data.get("schema") != TARGETS_SCHEMA:
            raise DataError(
                f"expected schema = {TARGETS_SCHEMA!r}, got {data.get('schema')!r}", source=source
            )
        problems: list[Exception] = []
        unit = data.get("unit", {})
        sets: list[OcopTargets] = []
        for i, raw in enumerate(data.get("sets", [])):
            try:
                sets.append(_parse_set(raw, unit))
            except (KeyError, TypeError, ValueError) as err:
                problems.append(DataError(f"sets[{i}]: {err}", source=source))
        if problems:
            raise InputErrors(f"{source}: bad OCOP targets", problems)
        if not sets:
            raise DataError("no [[sets]] of targets", source=source)
        return tuple(sorted(sets, key=lambda s: s.year))

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], *, year: int) -> OcopTargets:
        """The target set for ``year`` from a targets TOML file.

        Raises:
            KeyError: If the file has no set for ``year``.
        """
        for targets in cls.read_all(path):
            if targets.year == year:
                return targets
        years = ", ".join(str(t.year) for t in cls.read_all(path))
        msg = f"{path} has no OCOP targets for {year}; it has {years}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready targets with their citation and provenance."""
        return {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "year": self.year,
            "citation": self.citation.to_dict(),
            "provenance": self.provenance.value,
            "quote": self.quote,
        }


def _parse_set(raw: Mapping[str, Any], unit: Mapping[str, Any]) -> OcopTargets:
    citation = raw["citation"]
    items = []
    for item in raw["targets"]:
        stars = item.get("stars")
        if stars is not None and not isinstance(stars, int):
            msg = f"stars must be a whole number, got {stars!r}"
            raise TypeError(msg)
        minimum = item["minimum"]
        if not isinstance(minimum, int) or minimum < 0:
            msg = f"minimum must be a whole number >= 0, got {minimum!r}"
            raise ValueError(msg)
        items.append(
            OcopTarget(
                key=str(item["key"]),
                minimum=minimum,
                scope=TargetScope(item["scope"]),
                stars=stars,
                aspiration=bool(item.get("aspiration", False)),
                label_vi=str(item["label_vi"]),
                label_en=str(item["label_en"]),
            )
        )
    return OcopTargets(
        unit_code=str(unit["code"]),
        unit_name=str(unit["name"]),
        year=int(raw["year"]),
        targets=items,
        citation=Citation.from_mapping(citation),
        provenance=Provenance(raw["provenance"]),
        quote=raw.get("quote"),
        source=raw.get("source"),
        note=raw.get("note"),
    )


@attrs.frozen(kw_only=True)
class TargetProgress:
    """How far a portfolio is on one target.

    .. versionadded:: 0.1.0
    """

    target: OcopTarget
    achieved: int

    @property
    def met(self) -> bool:
        """Whether the minimum is reached."""
        return self.achieved >= self.target.minimum

    @property
    def shortfall(self) -> int:
        """Products still needed (0 when met)."""
        return max(0, self.target.minimum - self.achieved)


def _progress_items(value: Iterable[TargetProgress]) -> tuple[TargetProgress, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class OcopProgress:
    """A portfolio against a year's targets.

    Attributes:
        targets: The targets.
        on: The date of the portfolio.
        items: One entry per target.
        final: Whether ``on`` is the target year's last day or later (else the
            counts may still rise).
        five_star_candidates: Products in the 5-star band awaiting central recognition.

    .. versionadded:: 0.1.0
    """

    targets: OcopTargets
    on: dt.date
    items: tuple[TargetProgress, ...] = attrs.field(converter=_progress_items)
    final: bool
    five_star_candidates: int

    @property
    def met(self) -> bool:
        """Whether every firm target (not the aspirations) is met."""
        return all(i.met for i in self.items if not i.target.aspiration)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready progress."""
        return {
            "targets": self.targets.to_dict(),
            "on": self.on.isoformat(),
            "final": self.final,
            "met": self.met,
            "five_star_candidates": self.five_star_candidates,
            "items": [
                {
                    "key": i.target.key,
                    "label_vi": i.target.label_vi,
                    "label_en": i.target.label_en,
                    "scope": i.target.scope.value,
                    "stars": i.target.stars,
                    "aspiration": i.target.aspiration,
                    "minimum": i.target.minimum,
                    "achieved": i.achieved,
                    "met": i.met,
                    "shortfall": i.shortfall,
                }
                for i in self.items
            ],
        }

    def lines(self, lang: str = "en") -> list[str]:
        """A short summary in English (``"en"``) or Vietnamese (``"vi"``)."""
        return progress_lines(self.to_dict(), lang=lang)

    def __repr__(self) -> str:
        return _present.progress_repr(self)

    def _repr_html_(self) -> str:
        return _present.progress_html(self)

    def to_text(self, *, lang: Lang = "en") -> str:
        """The summary of :meth:`lines`, one line each.

        .. versionadded:: 0.1.0
        """
        return "\n".join(self.lines(check_lang(lang)))

    def to_frame(self) -> Any:  # noqa: ANN401 - a DataFrame, pandas optional
        """One row per target: target, aspiration, minimum, achieved, met, shortfall.

        Raises:
            MissingDependencyError: pandas is not installed.

        .. versionadded:: 0.1.0
        """
        return _present.progress_frame(self)

    def to_excel(
        self, path: str | os.PathLike[str], *, lang: Lang = "en", force: bool = False
    ) -> Path | None:
        """Write the progress as an Excel workbook of one sheet, one row per target.

        Raises:
            OutputError: ``path`` exists and ``force`` is false, or cannot be written.
            MissingDependencyError: openpyxl is not installed.

        .. versionadded:: 0.1.0
        """
        sheet = _present.progress_sheet(self, lang=check_lang(lang))
        return write_bytes(
            path, workbook_bytes([sheet], feature="OcopProgress.to_excel()"), force=force
        )


def progress(portfolio: Portfolio, targets: OcopTargets) -> OcopProgress:
    """Compare a portfolio with a year's targets.

    ``NEW`` targets count products certified with an evaluation in the target
    year up to the portfolio's date; ``HELD`` targets count certificates valid
    on that date. A target with ``stars`` counts exactly that many stars; a
    5-star candidate holds 4 stars and counts there. To judge a past year's
    targets, pass a portfolio made on that year's last day (as
    :func:`~ntm_core.ocop.year_progress` does).

    >>> import datetime as dt
    >>> from ntm_core.datasets import HA_TINH_OCOP_TARGETS, ocop_sample_products
    >>> from ntm_core.ocop import rate_many, portfolio as stats
    >>> p = stats(rate_many(ocop_sample_products()), on=dt.date(2022, 12, 31))
    >>> targets = OcopTargets.from_toml(HA_TINH_OCOP_TARGETS, year=2022)
    >>> [(i.target.key, i.met) for i in progress(p, targets).items]
    [('certified_new', True), ('four_star_new', True), ('five_star', False)]

    .. versionadded:: 0.1.0
    """
    items = []
    for target in targets.targets:
        if target.scope is TargetScope.NEW:
            achieved = portfolio.new_certified(targets.year, stars=target.stars)
        elif target.stars is None:
            achieved = portfolio.valid
        else:
            achieved = portfolio.valid_by_stars.get(target.stars, 0)
        items.append(TargetProgress(target=target, achieved=achieved))
    return OcopProgress(
        targets=targets,
        on=portfolio.on,
        items=items,
        final=portfolio.on >= dt.date(targets.year, 12, 31),
        five_star_candidates=portfolio.five_star_candidates,
    )
