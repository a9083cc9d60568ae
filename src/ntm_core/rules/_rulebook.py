"""The rulebook: every edition of every rule set, as one immutable value."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from ntm_core._core.vocabulary import CommuneGroup, Provenance, Region
from ntm_core.exceptions import InputErrors, RuleDefinitionError, RuleNotInForceError
from ntm_core.rules import _views
from ntm_core.rules._loader import Raw, merge_overlay, parse_rule_data, read_rule_file
from ntm_core.rules._model import RuleSet, Selection, Threshold, ThresholdOverride
from ntm_core.rules._sheets import read_threshold_sheet

__all__ = ["DATA_DIR", "Rulebook"]

DATA_DIR = Path(__file__).parent / "data"
"""Where the bundled rule files live."""


def _frozen_editions(value: Mapping[str, RuleSet]) -> Mapping[str, RuleSet]:
    return MappingProxyType(dict(value))


def _frozen_raw(value: Mapping[str, Raw]) -> Mapping[str, Raw]:
    return MappingProxyType(dict(value))


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@attrs.frozen(kw_only=True, repr=False)
class Rulebook:
    """Every edition of every rule set, validated, as one immutable value.

    Build one with :meth:`bundled` (the rule files shipped with ntm_core) or
    :meth:`from_paths`; layer filled threshold sheets with
    :meth:`with_thresholds`, which returns a new rulebook.

    >>> import datetime as dt
    >>> book = Rulebook.bundled()
    >>> book.in_force("vn.commune.standard", on=dt.date(2023, 6, 1)).instrument.number
    '318/QĐ-TTg'

    .. versionadded:: 0.1.0
    """

    _editions: Mapping[str, RuleSet] = attrs.field(alias="editions", converter=_frozen_editions)
    _raw: Mapping[str, Raw] = attrs.field(alias="raw", converter=_frozen_raw, eq=False, repr=False)
    # Memo of content hashes: the rulebook never changes (its raw data is never handed out,
    # only deep copies), and hashing means serialising the rules.
    _hashes: dict[tuple[str, ...], str] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

    def __repr__(self) -> str:
        return _views.book_repr(self)

    def _repr_html_(self) -> str:
        """Every edition: validity, instrument and provenance counts."""
        return _views.book_html(self)

    def to_frame(self) -> Any:  # noqa: ANN401 - a pandas DataFrame; pandas is optional
        """One row per edition, as a pandas DataFrame.

        Columns: ``id``, ``key``, ``edition``, ``level``, ``tier``, ``purpose``,
        ``valid_from``, ``valid_to`` (exclusive; empty when open),
        ``instrument``, ``title``, ``criteria``, ``thresholds`` and one count
        per provenance (``verified``, ``secondary``, ``unverified``,
        ``illustrative``).

        Raises:
            MissingDependencyError: pandas is not installed (``pip install 'ntm-core[pandas]'``).

        .. versionadded:: 0.3.0
        """
        return _views.book_frame(self)

    def __attrs_post_init__(self) -> None:
        problems = []
        for key in self.keys():
            editions = self.editions(key)
            for earlier, later in itertools.pairwise(editions):
                if earlier.valid_to is None or earlier.valid_to > later.valid_from:
                    problems.append(
                        RuleDefinitionError(
                            f"editions overlap: {earlier.edition} ({earlier.validity_text()}) and "
                            f"{later.edition} ({later.validity_text()})",
                            source=later.source,
                            path="ruleset",
                            key=key,
                        )
                    )
        if problems:
            raise InputErrors("overlapping editions", problems)

    # ------------------------------------------------------------------ building

    @classmethod
    @functools.cache
    def bundled(cls) -> Rulebook:
        """The rulebook of the rule files shipped with ntm_core (loaded once)."""
        return cls.from_paths(sorted(DATA_DIR.rglob("*.toml")))

    @classmethod
    def from_paths(cls, paths: Iterable[Path | str]) -> Rulebook:
        """Load rule files, resolving overlays onto the editions they refine.

        Raises:
            InputErrors: Of :class:`~ntm_core.exceptions.RuleDefinitionError`,
                every problem of every file.
        """
        raws: dict[str, tuple[str, Raw]] = {}
        problems: list[Exception] = []
        for path in paths:
            try:
                data = read_rule_file(Path(path))
            except ExceptionGroup as group:
                problems.extend(group.exceptions)
                continue
            raws[str(path)] = (str(path), data)
        editions, merged, more = _resolve(raws.values())
        problems.extend(more)
        if problems:
            raise InputErrors(f"{len(problems)} problem(s) in rule files", problems)
        return cls(editions=editions, raw=merged)

    def with_thresholds(self, sheet: Path | str, *, name: str | None = None) -> Rulebook:
        """A new rulebook with a filled threshold sheet layered on.

        The sheet's values replace the thresholds for the same indicator and
        selectors, or add to them; each edition records the sheet in
        :attr:`RuleSet.overlays` and what it replaced in
        :attr:`RuleSet.overrides` (all of them: :attr:`overrides`). A row may
        replace a verified or secondary value only with ``yes`` in its
        ``override`` column.

        ``name`` is how the overlays, the overrides and error messages name the
        sheet (default: ``sheet`` as given); a sheet bundled with a package
        passes a name that does not depend on where the package is installed.

        Raises:
            InputErrors: Of :class:`~ntm_core.exceptions.InputError` naming
                row and column, for every problem of every row.
            DataError: If the sheet cannot be read, or changes nothing.
        """
        read = read_threshold_sheet(sheet, self, name=name)
        label = name if name is not None else str(sheet)
        editions = dict(self._editions)
        raw = dict(self._raw)
        problems: list[Exception] = []
        for edition_id, overlay in read.overlays.items():
            data = merge_overlay(raw[edition_id], overlay)
            base = editions[edition_id]
            try:
                parsed = parse_rule_data(data, f"{label} over {base.source}")
            except ExceptionGroup as group:  # pragma: no cover - every row was checked alone
                problems.extend(group.exceptions)
                continue
            editions[edition_id] = attrs.evolve(
                parsed,
                source=base.source,
                overlays=(*base.overlays, label),
                overrides=(*base.overrides, *read.overrides.get(edition_id, ())),
            )
            raw[edition_id] = data
        if problems:  # pragma: no cover - see above
            raise InputErrors(f"{label}: threshold sheet does not fit the rules", problems)
        return Rulebook(editions=editions, raw=raw)

    # ------------------------------------------------------------------ queries

    @property
    def overrides(self) -> tuple[ThresholdOverride, ...]:
        """Every threshold a layered sheet replaced or shadowed, by edition then sheet row.

        Empty for the bundled rulebook; reports list these so a reader sees which
        legal values a sheet put aside (see :class:`ThresholdOverride`).

        .. versionadded:: 0.2.0
        """
        return tuple(o for edition in self for o in edition.overrides)

    def keys(self) -> tuple[str, ...]:
        """Every rule-set key, sorted."""
        return tuple(sorted({e.key for e in self._editions.values()}))

    def __iter__(self) -> Iterator[RuleSet]:
        """Every edition, by key then validity."""
        for key in self.keys():
            yield from self.editions(key)

    def __len__(self) -> int:
        return len(self._editions)

    def editions(self, key: str) -> tuple[RuleSet, ...]:
        """The editions of ``key``, oldest first.

        Raises:
            KeyError: If no rule set has that key (the message suggests close keys).
        """
        found = sorted(
            (e for e in self._editions.values() if e.key == key), key=lambda e: e.valid_from
        )
        if not found:
            raise KeyError(self._unknown_key_message(key))
        return tuple(found)

    def _unknown_key_message(self, key: str) -> str:
        import difflib

        close = difflib.get_close_matches(key, self.keys(), n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return f"no rule set {key!r}{hint}"

    def get(self, spec: str, *, on: dt.date | None = None) -> RuleSet:
        """The edition named by ``KEY@EDITION``, ``KEY@PERIOD`` or ``KEY``.

        ``KEY@EDITION`` names one edition. ``KEY@PERIOD`` names a programme
        period: with ``on`` it is the edition of that period in force on that
        date, without it the period's first edition (as issued). A bare
        ``KEY`` needs ``on``. Relative thresholds are resolved.

        Raises:
            KeyError: If the key or edition does not exist.
            RuleNotInForceError: If no edition matching the spec is in force on ``on``.
        """
        key, _, name = spec.partition("@")
        editions = self.editions(key)
        if not name:
            if on is None:
                msg = f"{spec!r} names no edition: add @EDITION or a date"
                raise KeyError(msg)
            return self.in_force(key, on=on)
        exact = [e for e in editions if e.edition == name]
        period = [e for e in editions if e.period == name]
        if on is not None and period:
            chosen = [e for e in period if e.in_force_on(on)]
            if not chosen:
                raise RuleNotInForceError(key, on.isoformat(), tuple(_describe(e) for e in period))
            return self._resolved(chosen[0], on=on)
        if exact:
            return self._resolved(exact[0], on=on or exact[0].valid_from)
        if period:
            return self._resolved(period[0], on=period[0].valid_from)
        names = ", ".join(e.edition for e in editions)
        msg = f"{key!r} has no edition or period {name!r}; editions: {names}"
        raise KeyError(msg)

    def in_force(
        self,
        key: str,
        *,
        on: dt.date,
        region: Region | None = None,
        group: CommuneGroup | None = None,
        year: int | None = None,
        commune_kind: str | None = None,
    ) -> RuleSet:
        """The edition of ``key`` in force on ``on``, with thresholds resolved.

        With any of ``region``, ``group``, ``year`` or ``commune_kind``, each
        indicator keeps only the threshold that applies (region overrides for
        special commune kinds included).

        Raises:
            KeyError: If no rule set has that key.
            RuleNotInForceError: If none of its editions is in force on ``on``;
                the error lists the nearest editions.
        """
        editions = self.editions(key)
        current = [e for e in editions if e.in_force_on(on)]
        if not current:
            nearest = sorted(editions, key=lambda e: _distance(e, on))[:2]
            raise RuleNotInForceError(key, on.isoformat(), tuple(_describe(e) for e in nearest))
        resolved = self._resolved(current[0], on=on)
        if (region, group, year, commune_kind) == (None, None, None, None):
            return resolved
        selection = Selection(region=region, group=group, year=year, commune_kind=commune_kind)
        return resolved.restricted_to(selection)

    def _resolved(self, edition: RuleSet, *, on: dt.date) -> RuleSet:
        """Resolve relative thresholds against the editions in force on ``on``."""
        if not any(t.relative_to is not None for _, t in edition.thresholds()):
            return edition
        criteria = []
        for criterion in edition.criteria:
            indicators = []
            for indicator in criterion.indicators:
                thresholds: list[Threshold] = []
                for threshold in indicator.thresholds:
                    thresholds.extend(self._expand_relative(threshold, on=on))
                indicators.append(attrs.evolve(indicator, thresholds=thresholds))
            criteria.append(attrs.evolve(criterion, indicators=indicators))
        return attrs.evolve(edition, criteria=criteria)

    def _expand_relative(self, threshold: Threshold, *, on: dt.date) -> list[Threshold]:
        rel = threshold.relative_to
        if rel is None:
            return [threshold]
        try:
            base = self.in_force(rel.key, on=on)
            base_indicator = base.indicator(rel.indicator)
        except (KeyError, RuleNotInForceError):
            return []
        out = []
        for bt in base_indicator.thresholds:
            if isinstance(bt.value, bool) or bt.value is None:
                continue
            worst = max(threshold.provenance, bt.provenance, key=list(Provenance).index)
            out.append(
                attrs.evolve(
                    threshold,
                    value=bt.value * rel.factor,
                    region=bt.region,
                    group=bt.group,
                    year=bt.year,
                    commune_kind=bt.commune_kind,
                    provenance=worst,
                    note=(
                        f"{rel.factor} × the {base.id} threshold ({bt.value}, "
                        f"{bt.provenance.value}); " + (threshold.note or "")
                    ).rstrip("; "),
                )
            )
        return out

    def content_hash(self, ids: Iterable[str] | None = None) -> str:
        """A SHA-256 of the rule data of ``ids`` (all editions by default).

        Two rulebooks with the same hash decide alike; an assessment stores it
        so a result can be audited against the rules that produced it.
        """
        chosen = sorted(ids) if ids is not None else sorted(self._editions)
        memo_key = tuple(chosen)
        if memo_key in self._hashes:
            return self._hashes[memo_key]
        payload = json.dumps(
            {i: self._raw[i] for i in chosen},
            sort_keys=True,
            default=_json_default,
            ensure_ascii=False,
        )
        digest = "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
        self._hashes[memo_key] = digest
        return digest

    def raw(self, edition_id: str) -> Mapping[str, Any]:
        """The (merged) file data of an edition, as read from TOML.

        A read-only view of a deep copy: nothing done to it reaches the
        rulebook (or the content hashes memoised from its data).
        """
        return MappingProxyType(copy.deepcopy(dict(self._raw[edition_id])))


def _distance(edition: RuleSet, on: dt.date) -> int:
    """Days between ``on`` and the edition's validity interval."""
    if on < edition.valid_from:
        return (edition.valid_from - on).days
    if edition.valid_to is not None and on >= edition.valid_to:
        return (on - edition.valid_to).days + 1
    return 0


def _describe(edition: RuleSet) -> str:
    return f"{edition.edition} ({edition.validity_text()})"


def _resolve(
    files: Iterable[tuple[str, Raw]],
) -> tuple[dict[str, RuleSet], dict[str, Raw], list[Exception]]:
    """Parse complete files, then overlays in dependency order."""
    editions: dict[str, RuleSet] = {}
    merged: dict[str, Raw] = {}
    problems: list[Exception] = []
    pending: list[tuple[str, Raw]] = []
    for source, data in files:
        head = data.get("ruleset", {})
        if isinstance(head, dict) and head.get("refines"):
            pending.append((source, data))
            continue
        _add(source, data, editions, merged, problems)
    while pending:
        progress = False
        for source, data in list(pending):
            base_id = str(data["ruleset"]["refines"])
            if base_id in merged:
                _add(
                    source,
                    merge_overlay(merged[base_id], data),
                    editions,
                    merged,
                    problems,
                    base_id,
                )
                pending.remove((source, data))
                progress = True
        if not progress:
            for source, data in pending:
                base_id = str(data["ruleset"]["refines"])
                problems.append(
                    RuleDefinitionError(
                        f"refines {base_id!r}, which is not a loaded edition",
                        source=source,
                        path="ruleset",
                        key="refines",
                    )
                )
            break
    return editions, merged, problems


def _add(  # noqa: PLR0917 - private helper of _resolve
    source: str,
    data: Raw,
    editions: dict[str, RuleSet],
    merged: dict[str, Raw],
    problems: list[Exception],
    base_id: str | None = None,
) -> None:
    try:
        edition = parse_rule_data(data, source)
    except ExceptionGroup as group:
        problems.extend(group.exceptions)
        return
    if base_id is not None:
        edition = attrs.evolve(edition, refines=base_id)
    if edition.id in editions:
        problems.append(
            RuleDefinitionError(
                f"edition {edition.id!r} is also defined in {editions[edition.id].source}",
                source=source,
                path="ruleset",
                key="edition",
            )
        )
        return
    editions[edition.id] = edition
    merged[edition.id] = data
