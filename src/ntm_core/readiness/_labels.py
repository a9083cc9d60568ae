"""What a report says about its inputs: synthetic values, illustrative and overridden thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ntm_core._core.vocabulary import Provenance, RuleLevel
from ntm_core.readiness._levels import LevelResult
from ntm_core.rules import Rulebook, RuleSet, Selection, Threshold

__all__ = ["ReportLabels", "ThresholdNote", "report_labels"]


@attrs.frozen(kw_only=True)
class ThresholdNote:
    """A threshold a report used that its reader must know about.

    Attributes:
        rule: The edition id (``vn.commune.standard@2021-2025``).
        indicator: The indicator key.
        value: The value used, as text.
        provenance: The value's provenance.
        origin: The file the value came from (a threshold sheet, for an override).
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


def _applied(edition: RuleSet, selection: Selection) -> dict[str, Threshold | None]:
    effective = edition.effective_selection(selection)
    return {i.key: i.threshold_for(effective) for _, i in edition.indicators()}


def report_labels(
    levels: Mapping[RuleLevel, LevelResult], *, synthetic: bool, base: Rulebook | None
) -> ReportLabels:
    """Collect the illustrative and overridden thresholds of the editions the levels used.

    An override is a threshold of an edition a sheet was layered on (its
    ``overlays``) where the ``base`` rulebook's edition of the same id gives
    another value or provenance for the same unit attributes. The rulebook
    does not record what a sheet replaced, so the two are compared here.
    """
    known = {e.id for e in base} if base is not None else set()
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
                before: dict[str, Threshold | None] = {}
                if edition.overlays and base is not None and edition.id in known:
                    before = _applied(base.get(edition.id), selection)
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
                            origin=None,
                        )
                    old = before.get(key)
                    if old is not None and (
                        old.value != threshold.value or old.provenance is not threshold.provenance
                    ):
                        overridden[where] = ThresholdNote(
                            rule=edition.id,
                            indicator=key,
                            value=_text(threshold.value),
                            provenance=threshold.provenance,
                            origin=edition.overlays[-1],
                            replaced=_text(old.value),
                            replaced_provenance=old.provenance,
                        )
    return ReportLabels(
        synthetic=synthetic,
        illustrative=(illustrative[k] for k in sorted(illustrative)),
        overridden=(overridden[k] for k in sorted(overridden)),
    )
