"""What a report says about its inputs: synthetic values, illustrative and overridden thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ntm_core._core.vocabulary import Provenance, RuleLevel
from ntm_core.readiness._levels import LevelResult
from ntm_core.rules import Threshold

__all__ = ["ReportLabels", "ThresholdNote", "report_labels"]


@attrs.frozen(kw_only=True)
class ThresholdNote:
    """A threshold a report used that its reader must know about.

    Attributes:
        rule: The edition id (``vn.commune.standard@2021-2025``).
        indicator: The indicator key.
        value: The value used, as text.
        provenance: The value's provenance.
        origin: Where the value came from: for an override, the threshold sheet
            and its row (``"sheet.csv, row 7"``).
        replaced: For an override, the value the rule files give (as text).
        replaced_provenance: For an override, that value's provenance.

    .. versionadded:: 0.1.0
    """

    rule: str
    indicator: str
    value: str
    provenance: Provenance
    origin: str | None = None
    replaced: str | None = None
    replaced_provenance: Provenance | None = None

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready."""
        out: dict[str, str | None] = {
            "rule": self.rule,
            "indicator": self.indicator,
            "value": self.value,
            "provenance": self.provenance.value,
        }
        if self.replaced is not None or self.origin is not None:
            out["origin"] = self.origin
            out["replaced"] = self.replaced
            out["replaced_provenance"] = (
                self.replaced_provenance.value if self.replaced_provenance else None
            )
        return out

    def __str__(self) -> str:
        text = f"{self.rule} {self.indicator} = {self.value} ({self.provenance.value})"
        if self.replaced is not None and self.replaced_provenance is not None:
            text += f", replacing {self.replaced} ({self.replaced_provenance.value})"
        return text


def _notes(value: Iterable[ThresholdNote]) -> tuple[ThresholdNote, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ReportLabels:
    """The labels every format of a report carries.

    Attributes:
        synthetic: The values are synthetic (the bundled sample), not measured.
        illustrative: Illustrative thresholds the assessment used.
        overridden: Thresholds of the rule files a threshold sheet replaced.

    .. versionadded:: 0.1.0
    """

    synthetic: bool = False
    illustrative: tuple[ThresholdNote, ...] = attrs.field(default=(), converter=_notes)
    overridden: tuple[ThresholdNote, ...] = attrs.field(default=(), converter=_notes)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _same(used: Threshold, new: Threshold) -> bool:
    """Whether ``used`` is the sheet's threshold ``new`` (same value and selectors)."""
    return used.value == new.value and used.selectors() == new.selectors()


def report_labels(levels: Mapping[RuleLevel, LevelResult], *, synthetic: bool) -> ReportLabels:
    """Collect the illustrative and overridden thresholds the levels' assessments used.

    An override is one the rules recorded when a threshold sheet was layered
    on (:attr:`RuleSet.overrides <ntm_core.rules.RuleSet.overrides>`), listed
    when its new value decided some unit of the report.
    """
    illustrative: dict[tuple[str, str, str], ThresholdNote] = {}
    overridden: dict[tuple[str, str, str], ThresholdNote] = {}
    for result in levels.values():
        batch = result.batch
        if batch is None:
            continue
        seen: set[int] = set()
        for selection in batch.selections:
            if id(selection) in seen:
                continue
            seen.add(id(selection))
            for edition in batch.ladder.rungs:
                used = batch.ladder.thresholds(edition, selection)
                for key, threshold in used.items():
                    if threshold is None:
                        continue
                    where = (edition.id, key, _text(threshold.value))
                    if threshold.provenance is Provenance.ILLUSTRATIVE:
                        illustrative[where] = ThresholdNote(
                            rule=edition.id,
                            indicator=key,
                            value=_text(threshold.value),
                            provenance=threshold.provenance,
                        )
                    for override in edition.overrides:
                        if override.indicator == key and _same(threshold, override.new):
                            overridden[where] = ThresholdNote(
                                rule=edition.id,
                                indicator=key,
                                value=_text(threshold.value),
                                provenance=threshold.provenance,
                                origin=f"{override.sheet}, row {override.row}",
                                replaced=_text(override.old.value),
                                replaced_provenance=override.old.provenance,
                            )
    return ReportLabels(
        synthetic=synthetic,
        illustrative=(illustrative[k] for k in sorted(illustrative)),
        overridden=(overridden[k] for k in sorted(overridden)),
    )
