"""Assessments: the explained decision for one unit, as a tree you can read, print and store.

tier → rungs (one edition each) → criteria → checks. A check holds the
observed value with its unit, the comparator, the threshold and where it came
from (edition, citation, provenance), the margin and the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs

from ntm_core._core.display import Lang, short_repr
from ntm_core._core.numbers import json_exact, number_text
from ntm_core._core.vocabulary import Citation, Outcome, Provenance, RuleLevel, Tier
from ntm_core._version import __version__
from ntm_core.engine import _render
from ntm_core.rules._model import Comparator

__all__ = [
    "SCHEMA",
    "Assessment",
    "CheckResult",
    "CriterionResult",
    "RungResult",
]

SCHEMA = "ntm_core.assessment/1"
"""The ``schema`` value of assessment JSON documents."""


def _checks(value: Iterable[CheckResult]) -> tuple[CheckResult, ...]:
    return tuple(value)


class DeferredCriteria:
    """A rung's criteria, built the first time they are read.

    The scalar path decides every outcome with plain comparisons of exact
    integers; the tree of :class:`CriterionResult` and :class:`CheckResult`
    (names, citations, exact fractions) is what costs, and most assessments
    are asked for their tier only. ``outcomes`` are the criteria's outcomes,
    in order, known from the start. Pickled or deep-copied, it is the built tuple.
    """

    __slots__ = ("_build", "_built", "outcomes")

    def __init__(
        self, build: Callable[[], Iterable[CriterionResult]], outcomes: tuple[Outcome, ...]
    ) -> None:
        self._build: Callable[[], Iterable[CriterionResult]] | None = build
        self._built: tuple[CriterionResult, ...] | None = None
        self.outcomes = outcomes

    def __call__(self) -> tuple[CriterionResult, ...]:
        """The criteria (built once; two threads at once may both build equal ones)."""
        built = self._built
        if built is None:
            build = self._build
            if build is None:  # pragma: no cover - a thread racing the first build: it is set
                return self._built  # type: ignore[return-value]
            built = self._built = tuple(build())
            self._build = None  # let what it closed over go
        return built

    def __iter__(self) -> Iterator[CriterionResult]:
        return iter(self())

    def __reduce__(self) -> tuple[type[tuple[CriterionResult, ...]], tuple[object, ...]]:
        return tuple, (self(),)


def _criteria(value: Iterable[CriterionResult]) -> tuple[CriterionResult, ...] | DeferredCriteria:
    if isinstance(value, DeferredCriteria):
        return value
    return tuple(value)


def _built_criteria(
    value: tuple[CriterionResult, ...] | DeferredCriteria,
) -> tuple[CriterionResult, ...]:
    """What a rung's equality and hash see: the criteria themselves, deferred or not."""
    return value() if isinstance(value, DeferredCriteria) else value


def _rungs(value: Iterable[RungResult]) -> tuple[RungResult, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _frozen_selectors(value: Mapping[str, str | int]) -> Mapping[str, str | int]:
    return MappingProxyType(dict(value))


def _number_text(value: Fraction) -> str:
    """A decimal rendering: exact when it has at most 12 decimals, else 6 significant digits."""
    return number_text(value, significant=6)


_exact_text = json_exact


def _from_exact(value: object) -> Fraction | bool | None:
    if value is None or isinstance(value, bool):
        return value
    return Fraction(str(value))


@attrs.frozen(kw_only=True, repr=False)
class CheckResult:
    """One indicator compared with its threshold.

    Attributes:
        key: The indicator's stable key.
        code: Its legal code in the edition.
        name_vi: Its Vietnamese name.
        name_en: Its English name.
        unit: The canonical unit (``None`` for yes/no).
        comparator: ``>=``, ``<=``, ``>``, ``<`` or ``==``.
        observed: The observed value, exact, or ``None`` if missing.
        threshold: The threshold value, or ``None`` if unknown.
        selectors: The selectors of the threshold used (``{"region": "BTB"}``).
        citation: Where the threshold comes from.
        provenance: How sure the threshold is.
        outcome: MET, NOT_MET or UNKNOWN.

    .. versionadded:: 0.1.0
    """

    key: str
    code: str
    name_vi: str
    name_en: str
    unit: str | None
    comparator: str
    observed: Fraction | bool | None
    threshold: Fraction | bool | None
    selectors: Mapping[str, str | int] = attrs.field(
        factory=dict, hash=False, converter=_frozen_selectors
    )
    citation: Citation | None = None
    provenance: Provenance | None = None
    outcome: Outcome = Outcome.UNKNOWN

    def __repr__(self) -> str:
        return short_repr(
            "CheckResult",
            ("key", self.key),
            ("outcome", self.outcome.value),
            ("observed", _exact_text(self.observed)),
            ("comparator", self.comparator),
            ("threshold", _exact_text(self.threshold)),
        )

    def __reduce__(self) -> tuple[Callable[..., CheckResult], tuple[dict[str, Any]]]:
        # The read-only selectors view cannot be pickled; its plain copy can.
        fields = {f.name: getattr(self, f.name) for f in attrs.fields(CheckResult)}
        fields["selectors"] = dict(self.selectors)
        return _check_from_fields, (fields,)

    @property
    def margin(self) -> Fraction | None:
        """Observed minus threshold, signed so that negative is a shortfall.

        ``None`` for yes/no indicators or when either side is unknown. Derived
        on demand: most checks are never asked for it.
        """
        observed, threshold = self.observed, self.threshold
        if (
            observed is None
            or threshold is None
            or isinstance(observed, bool)
            or isinstance(threshold, bool)
        ):
            return None
        return Comparator(self.comparator).margin(observed, threshold)

    @property
    def missing(self) -> bool:
        """Whether the observation is missing."""
        return self.observed is None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping; exact numbers as strings (``"91/2"``)."""
        return {
            "key": self.key,
            "code": self.code,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "unit": self.unit,
            "comparator": self.comparator,
            "observed": _exact_text(self.observed),
            "threshold": _exact_text(self.threshold),
            "selectors": dict(self.selectors),
            "citation": self.citation.to_dict() if self.citation else None,
            "provenance": self.provenance.value if self.provenance else None,
            "margin": _exact_text(self.margin),
            "outcome": self.outcome.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        """Rebuild a check from :meth:`to_dict` output."""
        citation = data.get("citation")
        return cls(
            key=data["key"],
            code=data["code"],
            name_vi=data["name_vi"],
            name_en=data["name_en"],
            unit=data.get("unit"),
            comparator=data["comparator"],
            observed=_from_exact(data.get("observed")),
            threshold=_from_exact(data.get("threshold")),
            selectors=dict(data.get("selectors") or {}),
            citation=Citation.from_mapping(citation) if citation else None,
            provenance=Provenance(data["provenance"]) if data.get("provenance") else None,
            outcome=Outcome(data["outcome"]),
        )


def _check_from_fields(fields: dict[str, Any]) -> CheckResult:
    """A pickled check, rebuilt from its own fields."""
    return CheckResult(**fields)


@attrs.frozen(kw_only=True, repr=False)
class CriterionResult:
    """A criterion's outcome and the checks it was decided from.

    .. versionadded:: 0.1.0
    """

    code: str
    name_vi: str
    name_en: str
    outcome: Outcome
    checks: tuple[CheckResult, ...] = attrs.field(converter=_checks)

    def __repr__(self) -> str:
        return short_repr(
            "CriterionResult",
            ("code", self.code),
            ("outcome", self.outcome.value),
            ("checks", len(self.checks)),
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "code": self.code,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "outcome": self.outcome.value,
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CriterionResult:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            code=data["code"],
            name_vi=data["name_vi"],
            name_en=data["name_en"],
            outcome=Outcome(data["outcome"]),
            checks=[CheckResult.from_dict(c) for c in data["checks"]],
        )


@attrs.frozen(kw_only=True, repr=False)
class RungResult:
    """One rung of the ladder (one edition): its own criteria and its outcome.

    ``outcome`` includes the rung below: a commune cannot be advanced without
    being standard.

    .. versionadded:: 0.1.0
    """

    tier: Tier | None
    edition: str
    outcome: Outcome
    # The criteria as given, or deferred by the scalar path: read them through
    # ``criteria``, which builds them once and keeps them.
    _criteria: tuple[CriterionResult, ...] | DeferredCriteria = attrs.field(
        alias="criteria", converter=_criteria, eq=_built_criteria
    )

    def __repr__(self) -> str:
        return short_repr(
            "RungResult",
            ("tier", self.tier.value if self.tier is not None else None),
            ("edition", self.edition),
            ("outcome", self.outcome.value),
            ("criteria_met", f"{self.criteria_met}/{self._criteria_total}"),
        )

    @property
    def _criteria_total(self) -> int:
        found = self._criteria
        return len(found.outcomes if isinstance(found, DeferredCriteria) else found)

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """The rung's own criteria, each with its checks, in legal order."""
        found = self._criteria
        if isinstance(found, DeferredCriteria):
            found = found()
            object.__setattr__(self, "_criteria", found)  # frozen to users; built once here
        return found

    @property
    def criteria_met(self) -> int:
        """How many of the rung's criteria are met."""
        found = self._criteria
        outcomes = (
            found.outcomes
            if isinstance(found, DeferredCriteria)
            else tuple(c.outcome for c in found)
        )
        return sum(o is Outcome.MET for o in outcomes)

    def checks(self) -> Iterator[CheckResult]:
        """Every check of the rung."""
        for criterion in self.criteria:
            yield from criterion.checks

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "tier": self.tier.value if self.tier is not None else None,
            "edition": self.edition,
            "outcome": self.outcome.value,
            "criteria_met": self.criteria_met,
            "criteria": [c.to_dict() for c in self.criteria],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RungResult:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            tier=Tier(data["tier"]) if data.get("tier") else None,
            edition=data["edition"],
            outcome=Outcome(data["outcome"]),
            criteria=[CriterionResult.from_dict(c) for c in data["criteria"]],
        )


@attrs.frozen(kw_only=True, repr=False)
class Assessment:
    """The explained decision for one unit on one date.

    ``repr()`` is one short line; ``str()`` and :meth:`to_text` are the
    explanation people read (``print(assessment)``); a notebook shows it as a
    collapsible tree (``_repr_html_``); :meth:`to_dict` is the JSON document.

    Attributes:
        unit: The unit's code.
        name: Its name, if known.
        level: The level graded.
        period: The assessment year of the observations.
        on: The date whose rules were applied.
        tier: The highest rung met, or ``None`` when missing data could
            change it (then ``tier_at_least`` is certain).
        tier_at_least: The highest rung certainly met.
        rungs: Every rung evaluated, lowest first.
        recognition: The recognition conditions (Decision 18/2022), when
            observations for them were given.
        missing: Indicator keys whose observation is missing.
        provisional: True when a deciding threshold is unverified or illustrative.
        rules: ``KEY@EDITION`` of every edition used.
        rules_hash: Content hash of the rule data used.
        version: The ntm_core version that produced it.

    .. versionadded:: 0.1.0
    """

    unit: str
    name: str | None
    level: RuleLevel
    period: int
    on: dt.date
    tier: Tier | None
    tier_at_least: Tier
    rungs: tuple[RungResult, ...] = attrs.field(converter=_rungs)
    recognition: RungResult | None = None
    missing: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    provisional: bool = False
    rules: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    rules_hash: str = ""
    version: str = __version__

    def __repr__(self) -> str:
        return short_repr(
            "Assessment",
            ("unit", self.unit),
            ("level", self.level.value),
            ("period", self.period),
            ("on", self.on.isoformat()),
            ("tier", self.tier.value if self.tier is not None else "unknown"),
            ("criteria_met", f"{self.criteria_met}/{self._criteria_total}"),
            ("missing", len(self.missing)),
            ("provisional", self.provisional),
        )

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, lang: Lang = "en") -> str:
        """The explanation as text (see :func:`~ntm_core.engine.render_text`).

        .. versionadded:: 0.3.0
        """
        return _render.render_text(self, lang=lang)

    def to_html(self, *, lang: Lang = "en") -> str:
        """The explanation as a collapsible HTML tree: rung → criteria → checks.

        .. versionadded:: 0.3.0
        """
        return _render.render_html(self, lang=lang)

    def _repr_html_(self) -> str:
        """The collapsible tree of :meth:`to_html`, for notebooks."""
        return _render.render_html(self)

    @property
    def outcome(self) -> Outcome:
        """Whether the unit meets the lowest rung (the NTM standard, or *task completed*)."""
        return self.rungs[0].outcome if self.rungs else Outcome.UNKNOWN

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """The criteria of the lowest rung (the 19, or 10, that every NTM report counts)."""
        return self.rungs[0].criteria if self.rungs else ()

    @property
    def _criteria_total(self) -> int:
        return self.rungs[0]._criteria_total if self.rungs else 0

    @property
    def criteria_met(self) -> int:
        """How many criteria of the lowest rung are met."""
        return self.rungs[0].criteria_met if self.rungs else 0

    @property
    def next_rung(self) -> RungResult | None:
        """The first rung not certainly met (what the unit works toward), or ``None``."""
        for rung in self.rungs:
            if rung.outcome is not Outcome.MET:
                return rung
        return None

    def shortfalls(self) -> list[tuple[CriterionResult, CheckResult]]:
        """The checks of the next rung that are not met, with their criteria."""
        rung = self.next_rung
        if rung is None:
            return []
        return [(c, k) for c in rung.criteria for k in c.checks if k.outcome is Outcome.NOT_MET]

    def to_dict(self) -> dict[str, object]:
        """The JSON document, schema ``ntm_core.assessment/1``."""
        return {
            "schema": SCHEMA,
            "version": self.version,
            "unit": self.unit,
            "name": self.name,
            "level": self.level.value,
            "period": self.period,
            "on": self.on.isoformat(),
            "tier": self.tier.value if self.tier is not None else "unknown",
            "tier_at_least": self.tier_at_least.value,
            "outcome": self.outcome.value,
            "criteria_met": self.criteria_met,
            "criteria": [{"code": c.code, "outcome": c.outcome.value} for c in self.criteria],
            "missing": list(self.missing),
            "provisional": self.provisional,
            "rules": list(self.rules),
            "rules_hash": self.rules_hash,
            "rungs": [r.to_dict() for r in self.rungs],
            "recognition": self.recognition.to_dict() if self.recognition else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        """Rebuild an assessment from its JSON document.

        Raises:
            ValueError: If the document is not ``ntm_core.assessment/1``.
        """
        if data.get("schema") != SCHEMA:
            msg = f"expected schema {SCHEMA!r}, got {data.get('schema')!r}"
            raise ValueError(msg)
        tier = data["tier"]
        return cls(
            unit=data["unit"],
            name=data.get("name"),
            level=RuleLevel(data["level"]),
            period=int(data["period"]),
            on=dt.date.fromisoformat(data["on"]),
            tier=None if tier == "unknown" else Tier(tier),
            tier_at_least=Tier(data["tier_at_least"]),
            rungs=[RungResult.from_dict(r) for r in data["rungs"]],
            recognition=RungResult.from_dict(data["recognition"])
            if data.get("recognition")
            else None,
            missing=data.get("missing", ()),
            provisional=bool(data.get("provisional")),
            rules=data.get("rules", ()),
            rules_hash=data.get("rules_hash", ""),
            version=data.get("version", __version__),
        )
