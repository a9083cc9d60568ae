"""What changed between two editions of a rule set."""

from __future__ import annotations

import attrs

from ntm_core.rules._model import Indicator, RuleSet, Threshold

__all__ = ["Change", "RuleDiff", "diff"]


@attrs.frozen(kw_only=True)
class Change:
    """One difference between two editions.

    Attributes:
        action: ``added``, ``removed``, ``renamed`` or ``changed``.
        item: ``criterion``, ``indicator`` or ``threshold``.
        where: The criterion code, indicator key, or indicator key with selectors.
        before: The old value (``None`` when added).
        after: The new value (``None`` when removed).

    .. versionadded:: 0.1.0
    """

    action: str
    item: str
    where: str
    before: str | None = None
    after: str | None = None

    def __str__(self) -> str:
        if self.action == "added":
            return f"+ {self.item} {self.where}: {self.after}"
        if self.action == "removed":
            return f"- {self.item} {self.where}: {self.before}"
        return f"~ {self.item} {self.where} {self.action}: {self.before} → {self.after}"


@attrs.frozen(kw_only=True)
class RuleDiff:
    """The changes from edition ``a`` to edition ``b``.

    .. versionadded:: 0.1.0
    """

    a: str
    b: str
    changes: tuple[Change, ...]

    def __str__(self) -> str:
        lines = [f"{self.a} → {self.b}: {len(self.changes)} change(s)"]
        lines.extend(f"  {c}" for c in self.changes)
        return "\n".join(lines)

    def of(self, item: str) -> tuple[Change, ...]:
        """The changes to criteria, indicators or thresholds only."""
        return tuple(c for c in self.changes if c.item == item)


def _threshold_text(t: Threshold) -> str:
    value = t.value if not isinstance(t.value, bool) else ("Đạt" if t.value else "không")
    shown = str(value) if value is not None else "?"
    return f"{shown} ({t.provenance.value}; {t.citation})"


def _where(indicator: Indicator, t: Threshold) -> str:
    selectors = ", ".join(f"{k}={v}" for k, v in t.selectors().items()) or "general"
    return f"{indicator.key} [{selectors}]"


def diff(a: RuleSet, b: RuleSet) -> RuleDiff:
    """List added, removed, renamed and changed criteria, indicators and thresholds.

    Criteria are matched by legal code, indicators by their stable key (so a
    renumbered indicator shows as a code change), thresholds by indicator and
    selectors.
    """
    changes: list[Change] = []
    a_crit = {c.code: c for c in a.criteria}
    b_crit = {c.code: c for c in b.criteria}
    for code, crit in a_crit.items():
        if code not in b_crit:
            changes.append(
                Change(action="removed", item="criterion", where=code, before=crit.name_vi)
            )
        elif b_crit[code].name_vi != crit.name_vi:
            changes.append(
                Change(
                    action="renamed",
                    item="criterion",
                    where=code,
                    before=crit.name_vi,
                    after=b_crit[code].name_vi,
                )
            )
    changes.extend(
        Change(action="added", item="criterion", where=code, after=crit.name_vi)
        for code, crit in b_crit.items()
        if code not in a_crit
    )
    a_ind = {i.key: (c.code, i) for c, i in a.indicators()}
    b_ind = {i.key: (c.code, i) for c, i in b.indicators()}
    for key, (code, ind) in a_ind.items():
        if key not in b_ind:
            changes.append(
                Change(
                    action="removed",
                    item="indicator",
                    where=key,
                    before=f"{ind.code} {ind.name_vi}",
                )
            )
            continue
        b_code, b_i = b_ind[key]
        for field, before, after in (
            ("criterion", code, b_code),
            ("code", ind.code, b_i.code),
            ("name_vi", ind.name_vi, b_i.name_vi),
            ("unit", ind.unit, b_i.unit),
            ("comparator", ind.comparator.value, b_i.comparator.value),
            ("kind", ind.kind.value, b_i.kind.value),
        ):
            if before != after:
                changes.append(
                    Change(
                        action="changed",
                        item="indicator",
                        where=f"{key}.{field}",
                        before=str(before),
                        after=str(after),
                    )
                )
    changes.extend(
        Change(action="added", item="indicator", where=key, after=f"{ind.code} {ind.name_vi}")
        for key, (_, ind) in b_ind.items()
        if key not in a_ind
    )
    a_thr = {_where(i, t): t for _, i in a.indicators() for t in i.thresholds}
    b_thr = {_where(i, t): t for _, i in b.indicators() for t in i.thresholds}
    for where, t in a_thr.items():
        if where not in b_thr:
            changes.append(
                Change(action="removed", item="threshold", where=where, before=_threshold_text(t))
            )
        elif (t.value, t.provenance, t.citation) != (
            b_thr[where].value,
            b_thr[where].provenance,
            b_thr[where].citation,
        ):
            changes.append(
                Change(
                    action="changed",
                    item="threshold",
                    where=where,
                    before=_threshold_text(t),
                    after=_threshold_text(b_thr[where]),
                )
            )
    changes.extend(
        Change(action="added", item="threshold", where=where, after=_threshold_text(t))
        for where, t in b_thr.items()
        if where not in a_thr
    )
    return RuleDiff(a=a.id, b=b.id, changes=tuple(changes))
