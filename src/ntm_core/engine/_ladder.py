"""The ladder of editions that decides a level's tier on a date."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from ntm_core._core.dates import as_date
from ntm_core._core.vocabulary import CommuneGroup, Region, RuleLevel, Tier
from ntm_core.engine._catalog import IndicatorCatalog
from ntm_core.engine._observations import Observations
from ntm_core.exceptions import InputError, InputErrors, RuleNotInForceError
from ntm_core.rules._model import Indicator, RuleSet, Selection, Threshold
from ntm_core.rules._rulebook import Rulebook

__all__ = ["Ladder", "selection_of", "selections"]


def _editions(value: Sequence[RuleSet]) -> tuple[RuleSet, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Ladder:
    """The editions in force for each rung of a level's ladder, lowest first.

    Attributes:
        level: The level graded.
        on: The date the editions are in force.
        rungs: One edition per rung above *not yet*, in ladder order; a rung
            with no edition in force on ``on`` ends the ladder.
        recognition: The recognition-conditions edition in force, if any.
        scope: The rule-set scope (``vn``, or a province's prefix such as
            ``ha-tinh``) whose editions were preferred.

    .. versionadded:: 0.1.0
    """

    level: RuleLevel
    on: dt.date
    rungs: tuple[RuleSet, ...] = attrs.field(converter=_editions)
    recognition: RuleSet | None = None
    scope: str = "vn"
    # Memos of pure functions of the (immutable) editions, never handed out
    # mutable: callers get tuples and read-only mappings, so nothing can poison them.
    # Keyed by id() for speed, each entry keeps its edition and is used only for that very object.
    _memo: dict[tuple[int, Selection], tuple[RuleSet, Mapping[str, Threshold | None]]] = (
        attrs.field(factory=dict, init=False, eq=False, repr=False, hash=False)
    )
    _lists: dict[int, tuple[RuleSet, tuple[Indicator, ...]]] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )
    _hash: list[str] = attrs.field(factory=list, init=False, eq=False, repr=False, hash=False)

    def indicators(self, edition: RuleSet) -> tuple[Indicator, ...]:
        """The edition's indicators in legal order (computed once per edition)."""
        entry = self._lists.get(id(edition))
        if entry is None or entry[0] is not edition:
            entry = self._lists[id(edition)] = (edition, tuple(i for _, i in edition.indicators()))
        return entry[1]

    def thresholds(self, edition: RuleSet, selection: Selection) -> Mapping[str, Threshold | None]:
        """Indicator key → the threshold of ``edition`` that applies to ``selection``.

        Region overrides (special commune kinds) are applied first. The mapping
        is read-only.
        """
        memo_key = (id(edition), selection)
        entry = self._memo.get(memo_key)
        if entry is None or entry[0] is not edition:
            effective = edition.effective_selection(selection)
            found = MappingProxyType(
                {i.key: i.threshold_for(effective) for _, i in edition.indicators()}
            )
            entry = self._memo[memo_key] = (edition, found)
        return entry[1]

    @property
    def content_hash(self) -> str:
        """A SHA-256 of every edition of the ladder, thresholds included.

        Two ladders with equal hashes decide alike; compiled plans are cached under it.
        """
        if not self._hash:
            digest = hashlib.sha256()
            for edition in (*self.rungs, self.recognition):
                digest.update(b"-" if edition is None else edition.fingerprint.encode("ascii"))
            self._hash.append("sha256:" + digest.hexdigest())
        return self._hash[0]

    @classmethod
    def for_level(
        cls,
        rulebook: Rulebook,
        *,
        level: RuleLevel | str,
        on: dt.date | str,
        scope: str = "vn",
    ) -> Ladder:
        """The ladder of ``level`` on ``on``.

        For each rung the scope's own rule set is used when it has one in force
        (Hà Tĩnh's ``ha-tinh.commune.standard`` adds criterion 20), otherwise
        the national one.

        Raises:
            InputError: If ``rulebook``, ``level``, ``on`` or ``scope`` is not what is
                expected (``level`` may be a :class:`~ntm_core.RuleLevel` or its name; ``on``
                an ISO date string).
            RuleNotInForceError: If not even the lowest rung has an edition in force.
        """
        _expect(rulebook, Rulebook, "rulebook", "a Rulebook")
        _expect(scope, str, "scope", "a scope name such as 'vn' or 'ha-tinh'")
        level = _as_level(level)
        on = as_date(on)
        rungs: list[RuleSet] = []
        keys = set(rulebook.keys())
        for tier in Tier.ladder(level)[1:]:
            edition = None
            for prefix in dict.fromkeys((scope, "vn")):
                key = f"{prefix}.{level.value}.{tier.value}"
                if key not in keys:
                    continue
                try:
                    edition = rulebook.in_force(key, on=on)
                    break
                except RuleNotInForceError:
                    if not rungs:
                        continue
            if edition is None:
                if not rungs:
                    lowest = f"vn.{level.value}.{Tier.ladder(level)[1].value}"
                    if lowest in keys:
                        rulebook.in_force(lowest, on=on)  # raises with the nearest editions
                    raise RuleNotInForceError(lowest, on.isoformat())
                break
            rungs.append(edition)
        recognition = None
        key = f"vn.{level.value}.recognition"
        if key in keys:
            try:
                recognition = rulebook.in_force(key, on=on)
            except RuleNotInForceError:
                recognition = None
        return cls(level=level, on=on, rungs=rungs, recognition=recognition, scope=scope)

    @property
    def tiers(self) -> tuple[Tier, ...]:
        """The tier each rung decides, lowest first."""
        return tuple(e.tier for e in self.rungs if e.tier is not None)

    @property
    def ids(self) -> tuple[str, ...]:
        """``KEY@EDITION`` of every edition used, recognition included."""
        extra = (self.recognition.id,) if self.recognition is not None else ()
        return tuple(e.id for e in self.rungs) + extra

    def catalog(self) -> IndicatorCatalog:
        """Every indicator the ladder reads."""
        extra = (self.recognition,) if self.recognition is not None else ()
        return IndicatorCatalog.from_editions((*self.rungs, *extra))


def selections(observations: Observations) -> list[Selection]:
    """The threshold selection of every row: region, group, year, commune kind.

    Raises:
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, one per
            row whose region or group cannot be read.
    """
    out: list[Selection] = []
    problems: list[Exception] = []
    cache: dict[tuple[str | None, str | None, int, str | None], Selection] = {}
    regions = observations.attributes.get("region", (None,) * len(observations))
    groups = observations.attributes.get("group", (None,) * len(observations))
    kinds = observations.attributes.get("commune_kind", (None,) * len(observations))
    for row, (region, group, period, kind) in enumerate(
        zip(regions, groups, observations.periods, kinds, strict=True)
    ):
        key = (region, group, period, kind)
        selection = cache.get(key)
        if selection is None:
            try:
                selection = Selection(
                    region=Region.from_text(region) if region else None,
                    group=CommuneGroup.from_text(group) if group else None,
                    year=period,
                    commune_kind=kind or None,
                )
            except ValueError as err:
                column = "region" if region and "region" in str(err) else "group"
                problems.append(
                    InputError(
                        f"unit {observations.codes[row]!r}: {err}",
                        source=observations.source,
                        column=column,
                        value=region if column == "region" else group,
                    )
                )
                selection = Selection(year=period)
            cache[key] = selection
        out.append(selection)
    if problems:
        raise InputErrors("unit attributes cannot be read", problems)
    return out


def selection_of(observations: Observations, row: int) -> Selection:
    """The threshold selection of one row, as :func:`selections` reads it.

    Reads the row's attributes only: no indicator column is copied.

    Raises:
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError` when the
            row's region or group cannot be read.
    """
    one = Observations(
        codes=[observations.codes[row]],
        periods=[observations.periods[row]],
        columns={},
        attributes={
            name: [observations.attributes[name][row]]
            for name in ("region", "group", "commune_kind")
            if name in observations.attributes
        },
        source=observations.source,
    )
    return selections(one)[0]


def _as_level(level: object) -> RuleLevel:
    """``level`` as a :class:`RuleLevel`: the member, or its name in English or Vietnamese."""
    if isinstance(level, RuleLevel):
        return level
    if isinstance(level, str):
        try:
            return RuleLevel.from_text(level)
        except ValueError as err:
            raise InputError(f"level=: {err}", value=level) from None
    msg = f"level=: expected a RuleLevel or its name (e.g. 'commune'), got {level!r}"
    raise InputError(msg, value=level)


def _expect(value: object, kind: type, argument: str, expected: str) -> None:
    """Refuse an argument of the wrong type at the boundary, naming it (not deep inside)."""
    if not isinstance(value, kind):
        msg = f"{argument}=: expected {expected}, got {value!r:.80}"
        raise InputError(msg, value=value)
