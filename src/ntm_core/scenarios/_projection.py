"""Projections and their probabilities: ``project`` (the trend) and ``simulate`` (Monte Carlo).

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.accessor import Accessor
from ntm_core._core.display import check_lang, html_table, mark_synthetic, short_repr
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core._core.workbook import Sheet, workbook_bytes
from ntm_core.admin import AdminSnapshot, AdminTree
from ntm_core.engine import CODES, Observations
from ntm_core.exceptions import InputError
from ntm_core.rules import Rulebook
from ntm_core.scenarios._model import ProvinceModel, keys_in_force
from ntm_core.scenarios._montecarlo import (
    COMMUNE_TIERS,
    Chunk,
    draw_chunk,
    interactive,
    plan_chunks,
    progress_bar,
    seeds_for,
)
from ntm_core.scenarios._trend import fit_trend

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MonteCarloResult", "simulate"]

SCHEMA = "ntm_core.montecarlo/1"
_MET = CODES[Outcome.MET]
_UNKNOWN = CODES[Outcome.UNKNOWN]
_NOTE_EN = (
    "A trend is not a forecast: draws resample each unit's own observed years around a "
    "Theil–Sen trend; rules are those in force at the end of each year; the administrative "
    "units are those of the base date."
)
_NOTE_VI = (
    "Xu hướng không phải dự báo: mỗi lần rút mẫu lấy lại các năm đã quan sát của từng đơn vị "
    "quanh đường xu hướng Theil–Sen; áp dụng bộ tiêu chí có hiệu lực cuối mỗi năm; đơn vị hành "
    "chính giữ như ngày gốc."
)
_UNKNOWN_EN = (
    "—: the condition is not in that year's rules; unknown: its content or thresholds are not "
    "encoded, or no draw decides it; (+n ?): n draws undecided. None of these is counted as 0%."
)
_UNKNOWN_VI = (
    "—: điều kiện không có trong bộ tiêu chí của năm đó; chưa rõ: nội dung hoặc ngưỡng chưa được "
    "mã hóa, hoặc không lần rút nào xác định được; (+n ?): n lần rút chưa xác định. "
    "Không tính là 0%."
)


def _frozen(value: npt.ArrayLike) -> npt.NDArray[Any]:
    out = np.array(value)
    out.flags.writeable = False
    return out


def _build(
    observations: Observations,
    *,
    province: str,
    on: dt.date,
    to: int,
    tree: AdminSnapshot | AdminTree,
    rulebook: Rulebook | None,
    scope: str,
    base: bool = False,
) -> ProvinceModel:
    """The model of the projected years (with ``base``, the last known period first)."""
    known = [p for p in observations.periods if dt.date(p, 12, 31) <= on]
    if not known:
        msg = f"no period of the data ends on or before {on.isoformat()}"
        raise InputError(msg, source=observations.source, column="period")
    last = max(known)
    if to <= last:
        msg = f"project to a year after the last period known on {on.isoformat()} ({last})"
        raise InputError(msg, column="to", value=to)
    rows = [i for i, p in enumerate(observations.periods) if p <= last]
    book = rulebook if rulebook is not None else Rulebook.bundled()
    years = range(last + (0 if base else 1), to + 1)
    trend = fit_trend(observations.select(rows), keys=keys_in_force(book, years, scope=scope))
    snapshot = tree.as_of(on) if isinstance(tree, AdminTree) else tree
    return ProvinceModel.build(
        trend, tree=snapshot, province=province, years=years, rulebook=book, scope=scope
    )


def simulate(
    observations: Observations,
    *,
    province: str,
    on: dt.date,
    to: int,
    draws: int,
    tree: AdminSnapshot | AdminTree,
    seed: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
    scheduler: object = None,
    workers: int | None = None,
    chunk: int | None = None,
    progress: bool | None = None,
    synthetic: bool = False,
) -> MonteCarloResult:
    """Draw ``draws`` future paths of every unit to ``to`` and decide each with the batch engine.

    Args:
        observations: Values of several periods (those ending by ``on`` are used).
        province: The province code.
        on: The base date: data known then, administrative units of that day.
        to: The last projected year.
        draws: How many paths.
        tree: The administrative tree (or its snapshot on ``on``).
        seed: The seed; the same seed gives the same result, bit for bit.
        rulebook: The rules (bundled by default); each year uses those in force on 31 December.
        scope: Prefer this scope's rule sets (``"ha-tinh"``).
        scheduler: ``None`` (this process), ``"dask"`` (a local cluster), a
            scheduler address on this machine, or a ``distributed.Client``.
        workers: Workers of the local cluster (``scheduler="dask"``).
        chunk: Draws per task (default: sized to memory).
        progress: Show a progress bar on standard error (default: when interactive).
        synthetic: The values are synthetic (a sample); every format says so.

    Raises:
        InputError: If ``to`` is not after the last period known on ``on``, the
            province is not in the tree, or ``draws`` is not positive.

    .. versionadded:: 0.2.0
    """
    model = _build(
        observations, province=province, on=on, to=to, tree=tree, rulebook=rulebook, scope=scope
    )
    seeds = seeds_for(seed, draws)
    runs = [seeds[r.start : r.stop] for r in plan_chunks(model, draws, chunk)]
    if scheduler is None:
        show = interactive() if progress is None else progress
        parts = [
            draw_chunk(model, run) for run in progress_bar(runs, total=len(runs), enabled=show)
        ]
    else:
        from ntm_core.scenarios._dask import run_on_dask

        parts = run_on_dask(model, runs, scheduler=scheduler, workers=workers)
    merged = Chunk.merge(parts)
    tree_snapshot = tree.as_of(on) if isinstance(tree, AdminTree) else tree
    communes = model.level(RuleLevel.COMMUNE).codes
    return MonteCarloResult(
        province=province,
        province_name=tree_snapshot[province].name,
        on=on,
        years=model.years,
        draws=draws,
        seed=seed,
        conditions=model.conditions,
        communes=communes,
        commune_names=tuple(tree_snapshot[c].name for c in communes),
        rules=model.rules,
        synthetic=synthetic,
        completed=merged.completed,
        undecided=merged.undecided,
        in_force=np.array(model.in_force, dtype=bool).reshape(len(model.years), -1),
        outcomes=merged.conditions,
        values=merged.values,
        reach_by=merged.reach_by,
        unknown=merged.unknown,
    )


@attrs.frozen
class _Plots:
    result: MonteCarloResult

    def fan(self, code: str, *, ax: Axes | None = None) -> Axes:
        """A fan chart of a condition's value over the years: median, 50% and 90% bands."""
        plt = require("matplotlib.pyplot", feature="MonteCarloResult.plot.fan()")
        result = self.result
        index = result._codes().index(code)
        values = result.values[:, :, index]
        ax = ax if ax is not None else plt.subplots()[1]
        years = np.asarray(result.years)
        ok = ~np.isnan(values).all(axis=0)
        if ok.any():
            q = np.nanpercentile(values[:, ok], [5, 25, 50, 75, 95], axis=0)
            ax.fill_between(years[ok], q[0], q[4], alpha=0.2, label="90% of draws")
            ax.fill_between(years[ok], q[1], q[3], alpha=0.4, label="50% of draws")
            ax.plot(years[ok], q[2], marker="o", label="median")
        name = result.conditions[index][2]
        ax.set_title(f"{code} {name}")
        ax.set_xlabel("year")
        ax.legend()
        if result.synthetic:
            mark_synthetic(ax)
        return ax

    def probability(self, *, ax: Axes | None = None) -> Axes:
        """Bars: the probability that the province has completed its task, by year."""
        plt = require("matplotlib.pyplot", feature="MonteCarloResult.plot.probability()")
        result = self.result
        ax = ax if ax is not None else plt.subplots()[1]
        shares = [result.probability(y) for y in result.years]
        labels = [
            str(y) if p is not None else f"{y}\n(unknown)"
            for y, p in zip(result.years, shares, strict=True)
        ]
        ax.bar(labels, [np.nan if p is None else p for p in shares])
        ax.set_ylim(0, 1)
        ax.set_ylabel("probability")
        ax.set_title(f"{result.province_name}: task completed by year")
        if result.synthetic:
            mark_synthetic(ax)
        return ax


@attrs.frozen(kw_only=True, eq=False)
class MonteCarloResult:
    """The probabilities of a Monte Carlo run: the province, its conditions, its communes.

    Attributes:
        province: The province code; ``province_name`` its name.
        on: The base date.
        years: The projected years.
        draws: How many paths were drawn; ``seed`` the seed.
        conditions: ``(code, indicator key, name_en, name_vi)`` of each condition.
        communes: The communes' codes; ``commune_names`` their names.
        rules: Per year, the rule editions applied.
        synthetic: Whether the values are synthetic.
        completed: ``(draws, years)``: the province completes its task.
        undecided: ``(draws, years)``: whether it does is unknown.
        in_force: ``(years, conditions)``: the year's rules have the condition.
        outcomes: ``(draws, years, conditions)``: outcome codes (see ``CODES``).
        values: ``(draws, years, conditions)``: the province's value of each condition.
        reach_by: ``(years, communes, tiers)``: draws in which the commune has
            reached the tier (standard, advanced, model) in that year or before.
        unknown: ``(years, communes)``: draws in which the commune's tier is unknown.

    .. versionadded:: 0.2.0
    """

    province: str
    province_name: str
    on: dt.date
    years: tuple[int, ...]
    draws: int
    seed: int | None
    conditions: tuple[tuple[str, str, str, str], ...]
    communes: tuple[str, ...]
    commune_names: tuple[str, ...]
    rules: tuple[tuple[str, ...], ...]
    synthetic: bool
    completed: npt.NDArray[np.bool_] = attrs.field(converter=_frozen)
    undecided: npt.NDArray[np.bool_] = attrs.field(converter=_frozen)
    in_force: npt.NDArray[np.bool_] = attrs.field(converter=_frozen)
    outcomes: npt.NDArray[np.int8] = attrs.field(converter=_frozen)
    values: npt.NDArray[np.float64] = attrs.field(converter=_frozen)
    reach_by: npt.NDArray[np.int64] = attrs.field(converter=_frozen)
    unknown: npt.NDArray[np.int64] = attrs.field(converter=_frozen)

    plot: ClassVar[Accessor[MonteCarloResult, _Plots]] = Accessor(_Plots)

    def __repr__(self) -> str:
        span = f"{self.years[0]}–{self.years[-1]}"
        return short_repr(
            "MonteCarloResult",
            ("province", self.province),
            ("on", self.on.isoformat()),
            ("years", span),
            ("draws", self.draws),
            ("seed", self.seed),
            ("communes", len(self.communes)),
        )

    def _year(self, year: int | None) -> int:
        if year is None:
            return len(self.years) - 1
        if year not in self.years:
            msg = f"year {year} is not projected; years: {self.years[0]}–{self.years[-1]}"
            raise InputError(msg, column="year", value=year)
        return self.years.index(year)

    def _completed_by(self, h: int) -> tuple[int, int]:
        """Draws that completed the task by year index ``h``, and draws where that is unknown."""
        done = self.completed[:, : h + 1].any(axis=1)
        open_ = ~done & self.undecided[:, : h + 1].any(axis=1)
        return int(done.sum()), int(open_.sum())

    def probability(self, year: int | None = None) -> float | None:
        """Share of draws in which the province has completed its task by ``year``.

        ``None`` when it is unknown in every draw (no rules in force, or a condition
        whose content or thresholds are unknown): never 0% as if computed.
        """
        done, open_ = self._completed_by(self._year(year))
        return None if done + open_ == self.draws and not done else done / self.draws

    def probability_in(self, year: int | None = None) -> float | None:
        """Share of draws in which the province meets every condition in ``year`` itself."""
        h = self._year(year)
        if self.undecided[:, h].all():
            return None
        return float(self.completed[:, h].mean())

    def _condition(self, h: int, i: int) -> tuple[int, int] | None:
        """Draws meeting condition ``i`` in year index ``h``, and draws where it is unknown.

        ``None`` when the year's rules do not have the condition.
        """
        if not self.in_force[h, i]:
            return None
        column = self.outcomes[:, h, i]
        return int((column == _MET).sum()), int((column == _UNKNOWN).sum())

    def _share(self, h: int, i: int) -> float | None:
        counted = self._condition(h, i)
        if counted is None or counted[1] == self.draws:
            return None
        return counted[0] / self.draws

    def _status(self, h: int, i: int) -> str:
        counted = self._condition(h, i)
        if counted is None:
            return "not_in_force"
        return "unknown" if counted[1] == self.draws else "computed"

    def condition_probability(self, code: str, year: int | None = None) -> float | None:
        """Share of draws in which condition ``code`` is met in ``year``.

        ``None`` when that year's rules do not have the condition, or when it is
        unknown in every draw (its content or thresholds are not encoded).

        Raises:
            KeyError: If no condition has that code.
        """
        h = self._year(year)
        found = [i for i, c in enumerate(self.conditions) if c[0] == code]
        if not found:
            msg = f"no condition {code!r}; conditions: {', '.join(self._codes())}"
            raise KeyError(msg)
        index = next((i for i in found if self.in_force[h, i]), found[0])
        return self._share(h, index)

    def _codes(self) -> list[str]:
        return [c[0] for c in self.conditions]

    def unit_probability(self, code: str, tier: Tier, year: int | None = None) -> float:
        """Share of draws in which commune ``code`` has reached ``tier`` by ``year``."""
        unit = self.communes.index(code)
        return float(self.reach_by[self._year(year), unit, COMMUNE_TIERS.index(tier)] / self.draws)

    def to_dict(self) -> dict[str, object]:
        """The result as JSON-ready data (counts are exact; probabilities are counts / draws).

        A probability is ``null`` with a ``status`` of ``"not_in_force"`` or
        ``"unknown"`` when it cannot be computed.
        """
        by_year: list[dict[str, object]] = []
        for h, year in enumerate(self.years):
            done, open_ = self._completed_by(h)
            conditions = []
            for i, (code, key, name_en, _) in enumerate(self.conditions):
                counted = self._condition(h, i)
                conditions.append(
                    {
                        "code": code,
                        "indicator": key,
                        "name": name_en,
                        "status": self._status(h, i),
                        "probability_met": self._share(h, i),
                        "draws_met": None if counted is None else counted[0],
                        "draws_unknown": None if counted is None else counted[1],
                    }
                )
            by_year.append(
                {
                    "year": year,
                    "rules": list(self.rules[h]),
                    "province": {
                        "probability_completed_by": self.probability(year),
                        "draws_completed_by": done,
                        "draws_unknown_by": open_,
                        "probability_completed_in": self.probability_in(year),
                    },
                    "conditions": conditions,
                }
            )
        last = len(self.years) - 1
        return {
            "schema": SCHEMA,
            "province": {"code": self.province, "name": self.province_name},
            "on": self.on.isoformat(),
            "to": self.years[-1],
            "draws": self.draws,
            "seed": self.seed,
            "synthetic": self.synthetic,
            "method": _NOTE_EN,
            "unknown": _UNKNOWN_EN,
            "probability": self.probability(),
            "conditions": {
                code: self._share(last, i)
                for i, (code, *_rest) in enumerate(self.conditions)
                if self.in_force[last, i]
            },
            "years": by_year,
            "communes": [
                {
                    "code": code,
                    "name": name,
                    "probability_by": {
                        tier.value: int(self.reach_by[last, u, t]) / self.draws
                        for t, tier in enumerate(COMMUNE_TIERS)
                    },
                }
                for u, (code, name) in enumerate(
                    zip(self.communes, self.commune_names, strict=True)
                )
            ],
        }

    def _cell(self, h: int, i: int | None, lang: str) -> str:
        """One table cell: a percentage, or why there is none (never 0% for unknown)."""
        vi = lang == "vi"
        if i is None:
            done, open_ = self._completed_by(h)
            if done + open_ == self.draws and not done:
                return "chưa rõ" if vi else "unknown"
            met = done
        else:
            counted = self._condition(h, i)
            if counted is None:
                return "—"
            met, open_ = counted
            if open_ == self.draws:
                return "chưa rõ" if vi else "unknown"
        text = f"{met / self.draws:.1%}"
        return text + (f" (+{open_} ?)" if open_ else "")

    def _rows(self, lang: str) -> list[list[str]]:
        return [
            [str(year), self._cell(h, None, lang)]
            + [self._cell(h, i, lang) for i in range(len(self.conditions))]
            for h, year in enumerate(self.years)
        ]

    def _header(self, lang: str) -> list[str]:
        first = ["Năm", "Tỉnh hoàn thành"] if lang == "vi" else ["Year", "Province completed by"]
        return first + [f"{code}" for code, *_ in self.conditions]

    def _notes(self, lang: str) -> list[str]:
        vi = lang == "vi"
        names = [f"{code} {name_vi if vi else en}" for code, _, en, name_vi in self.conditions]
        lines = [("Điều kiện: " if vi else "Conditions: ") + "; ".join(names)]
        lines.append(_UNKNOWN_VI if vi else _UNKNOWN_EN)
        if self.synthetic:
            lines.append("Số liệu: GIẢ LẬP (mẫu)." if vi else "Values: SYNTHETIC (a sample).")
        lines.append(_NOTE_VI if vi else _NOTE_EN)
        return lines

    def to_text(self, *, lang: str = "en") -> str:
        """A plain-text table of the probabilities by year."""
        lang = check_lang(lang)
        title = (
            f"{self.province_name} ({self.province}) — "
            + ("xác suất hoàn thành" if lang == "vi" else "probability of completing the task")
            + f"; {self.draws} draws, seed {self.seed}, base {self.on.isoformat()}"
        )
        rows = [self._header(lang), *self._rows(lang)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [title]
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        lines += self._notes(lang)
        return "\n".join(lines) + "\n"

    def to_markdown(self, *, lang: str = "en") -> str:
        """A Markdown table of the probabilities by year."""
        lang = check_lang(lang)
        header = self._header(lang)
        out = [f"# {self.province_name} ({self.province})", ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        out += ["| " + " | ".join(r) + " |" for r in self._rows(lang)]
        out.append("")
        out += [f"{line}\n" for line in self._notes(lang)]
        return "\n".join(out)

    def to_html(self, *, lang: str = "en") -> str:
        """An HTML table of the probabilities by year (cells escaped)."""
        lang = check_lang(lang)
        caption = f"{self.province_name} ({self.province}): {self.draws} draws, seed {self.seed}"
        parts = [html_table(self._header(lang), self._rows(lang), caption=caption)]
        parts += [f"<p>{html.escape(line)}</p>" for line in self._notes(lang)]
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_frame(self) -> dict[str, Any]:
        """Two named frames: ``years`` (province, conditions; None: not computed), ``communes``."""
        pd = require("pandas", feature="MonteCarloResult.to_frame()")
        last = len(self.years) - 1
        years = pd.DataFrame(
            [
                {"year": year, "province": self.probability(year)}
                | {c[0]: self._share(h, i) for i, c in enumerate(self.conditions)}
                for h, year in enumerate(self.years)
            ]
        )
        communes = pd.DataFrame(
            [
                {"code": code, "name": name}
                | {
                    t.value: int(self.reach_by[last, u, j]) / self.draws
                    for j, t in enumerate(COMMUNE_TIERS)
                }
                for u, (code, name) in enumerate(
                    zip(self.communes, self.commune_names, strict=True)
                )
            ]
        )
        return {"years": years, "communes": communes}

    def to_excel(self, path: str | Path, *, lang: str = "en", force: bool = False) -> None:
        """Write the probabilities as a workbook (sheets: years, communes); blank: not computed."""
        from ntm_core._core.tables import write_bytes

        lang = check_lang(lang)
        last = len(self.years) - 1
        sheets = [
            Sheet(
                title="years",
                header=self._header(lang),
                rows=[
                    [year, self.probability(year)]
                    + [self._share(h, i) for i in range(len(self.conditions))]
                    for h, year in enumerate(self.years)
                ],
            ),
            Sheet(
                title="communes",
                header=("code", "name", *(t.value for t in COMMUNE_TIERS)),
                rows=[
                    [
                        code,
                        name,
                        *(
                            int(self.reach_by[last, u, t]) / self.draws
                            for t in range(len(COMMUNE_TIERS))
                        ),
                    ]
                    for u, (code, name) in enumerate(
                        zip(self.communes, self.commune_names, strict=True)
                    )
                ],
            ),
        ]
        write_bytes(
            Path(path), workbook_bytes(sheets, feature="MonteCarloResult.to_excel()"), force=force
        )
