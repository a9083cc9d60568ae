"""What a :class:`~ntm_core.engine.BatchResult` looks like: records, a frame, a table, a plot.

One row per unit, the same everywhere: ``ntm assess`` prints :func:`text`,
:func:`csv_text` and :func:`records` (as JSON), a notebook shows :func:`html`,
an analyst gets :func:`frame`, an official gets :func:`sheets` in Excel.
"""

from __future__ import annotations

import html as html_module
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
import numpy.typing as npt

from ntm_core._core import tables
from ntm_core._core.display import Lang, check_lang, html_table, short_repr
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core._core.workbook import Sheet
from ntm_core.engine._bands import band_edges, band_labels, band_of
from ntm_core.engine._codes import OUTCOMES

if TYPE_CHECKING:
    from ntm_core.engine._batch import BatchResult

__all__ = [
    "BatchPlots",
    "Record",
    "criteria_codes",
    "csv_text",
    "frame",
    "html",
    "missing_counts",
    "provisional",
    "records",
    "repr_text",
    "sheets",
    "text",
]

_HTML_ROWS = 20

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "unit": "UNIT",
        "name": "NAME",
        "period": "PERIOD",
        "tier": "TIER",
        "criteria_met": "CRITERIA MET",
        "missing": "MISSING",
        "unknown": "unknown",
        "summary": "{n} units under {rules}: {counts}",
        "caption": "{n} {level} units on {on}",
        "provisional": "* provisional: decided with an unverified or illustrative threshold",
        "marks": "✓ met · ✗ not met · ? unknown (data missing) · – not applicable",
        "rules": "Rules",
        "units": "Units",
        "criteria_axis": "criteria met (of {total})",
        "units_axis": "units",
        "plot_title": "{n} units by criteria met, {on}",
    },
    "vi": {
        "unit": "MÃ",
        "name": "TÊN",
        "period": "NĂM",
        "tier": "MỨC ĐẠT",
        "criteria_met": "TIÊU CHÍ ĐẠT",
        "missing": "THIẾU SỐ LIỆU",
        "unknown": "chưa xác định",
        "summary": "{n} đơn vị theo {rules}: {counts}",
        "caption": "{n} đơn vị cấp {level}, ngày {on}",
        "provisional": "* kết quả tạm: có ngưỡng chưa được kiểm chứng hoặc chỉ minh họa",
        "marks": "✓ đạt · ✗ chưa đạt · ? chưa rõ (thiếu số liệu) · – không áp dụng",
        "rules": "Quy định",
        "units": "Đơn vị",
        "criteria_axis": "số tiêu chí đạt (trên {total})",
        "units_axis": "số đơn vị",
        "plot_title": "{n} đơn vị theo số tiêu chí đạt, ngày {on}",
    },
}

_LEVELS = {
    "en": {},
    "vi": {
        "commune": "xã",
        "district": "huyện",
        "town": "thị xã/thành phố",
        "province": "tỉnh",
        "residential_area": "khu dân cư",
        "garden": "vườn",
        "product": "sản phẩm",
    },
}

_MARK = {Outcome.MET: "✓", Outcome.NOT_MET: "✗", Outcome.UNKNOWN: "?", Outcome.NOT_APPLICABLE: "–"}


class Record(TypedDict):
    """One unit in ``ntm assess --format json`` (and :meth:`BatchResult.to_records`)."""

    unit: str
    name: str | None
    period: int
    tier: str
    tier_at_least: str
    outcome: str
    criteria_met: int
    criteria: list[dict[str, str]]
    missing: list[str]


def criteria_codes(result: BatchResult, rung: int = 0) -> tuple[str, ...]:
    """The legal codes of a rung's criteria, in legal order."""
    rungs = result.ladder.rungs
    return tuple(c.code for c in rungs[rung].criteria) if rung < len(rungs) else ()


def _missing_masks(result: BatchResult) -> dict[str, npt.NDArray[np.bool_] | None]:
    """Indicator key → rows where it is missing (``None``: not observed at all)."""
    observations = result.observations
    keys = dict.fromkeys(i.key for rung in result.ladder.rungs for _, i in rung.indicators())
    return {
        key: (~observations.columns[key].present if key in observations.columns else None)
        for key in keys
    }


def missing_counts(result: BatchResult) -> npt.NDArray[np.int64]:
    """How many of the ladder's indicators each row lacks."""
    counts = np.zeros(len(result), dtype=np.int64)
    for mask in _missing_masks(result).values():
        counts += 1 if mask is None else mask
    return counts


def provisional(result: BatchResult) -> npt.NDArray[np.bool_]:
    """Rows decided with an unverified or illustrative threshold (as the scalar path says).

    The deciding rungs are those up to the first one not met; a row is
    provisional when one of their thresholds, for the row's selection, is not
    reliable.
    """
    ladder = result.ladder
    groups = result.groups
    n_rungs = len(ladder.rungs)
    # unreliable[g, r]: rung r has an unreliable threshold for selection group g
    unreliable = np.array(
        [
            [
                any(
                    t is not None and not t.provenance.reliable
                    for t in ladder.thresholds(edition, selection).values()
                )
                for edition in ladder.rungs
            ]
            for selection in groups.selections
        ],
        dtype=bool,
    ).reshape(len(groups.selections), n_rungs)
    deciding = np.zeros((len(result), n_rungs), dtype=bool)
    still = np.ones(len(result), dtype=bool)
    for r in range(n_rungs):
        deciding[:, r] = still
        still = still & result.met(r)
    return np.asarray((unreliable[groups.index] & deciding).any(axis=1), dtype=bool)


def _tier_names(result: BatchResult, lang: Lang, *, labels: bool) -> list[str]:
    unknown = _WORDS[lang]["unknown"]
    return [
        unknown if t is None else (t.label(lang) if labels else t.value) for t in result.tiers()
    ]


def records(result: BatchResult) -> list[Record]:
    """Per unit: the stable JSON fields of ``ntm assess --format json``."""
    observations = result.observations
    absent = _missing_masks(result)
    tiers = _tier_names(result, "en", labels=False)
    at_least = result.tiers_at_least()
    outcomes = result.outcomes() if result.ladder.rungs else [Outcome.UNKNOWN] * len(result)
    met = result.criteria_met() if result.ladder.rungs else np.zeros(len(result), np.int64)
    criteria = result.criterion_outcomes[0] if result.ladder.rungs else {}
    out: list[Record] = []
    for row, code in enumerate(observations.codes):
        out.append(
            Record(
                unit=code,
                name=observations.attribute("name", row),
                period=observations.periods[row],
                tier=tiers[row],
                tier_at_least=at_least[row].value,
                outcome=outcomes[row].value,
                criteria_met=int(met[row]),
                criteria=[
                    {"code": c, "outcome": OUTCOMES[int(a[row])].value} for c, a in criteria.items()
                ],
                missing=[k for k, m in absent.items() if m is None or bool(m[row])],
            )
        )
    return out


def csv_text(result: BatchResult) -> str:
    """``ntm assess --format csv``: a row per unit, a column per criterion of the lowest rung.

    Written by the one CSV writer, so a unit name a spreadsheet would run as a
    formula (``=HYPERLINK(…)``) is neutralised (issue 14.4).
    """
    codes = criteria_codes(result)
    header = ["unit", "name", "period", "tier", "outcome", "criteria_met", "missing", *codes]
    rows = []
    for item in records(result):
        outcomes = {c["code"]: c["outcome"] for c in item["criteria"]}
        rows.append(
            [
                item["unit"],
                item["name"] or "",
                item["period"],
                item["tier"],
                item["outcome"],
                item["criteria_met"],
                len(item["missing"]),
                *(outcomes[c] for c in codes),
            ]
        )
    return tables.csv_text(header, rows)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _tier_counts(result: BatchResult, lang: Lang) -> str:
    counts: dict[str, int] = {}
    for tier in _tier_names(result, "en", labels=False):
        counts[tier] = counts.get(tier, 0) + 1
    if lang == "en":
        return ", ".join(f"{n} {tier}" for tier, n in sorted(counts.items()))
    unknown = _WORDS["vi"]["unknown"]
    return ", ".join(
        f"{n} {unknown if tier == 'unknown' else Tier(tier).label('vi')}"
        for tier, n in sorted(counts.items())
    )


def text(result: BatchResult, *, lang: Lang = "en") -> str:
    """The table ``ntm assess`` prints, and a line of tier counts under the rules used."""
    lang = check_lang(lang)
    words = _WORDS[lang]
    total = len(criteria_codes(result))
    tiers = _tier_names(result, lang, labels=lang == "vi")
    met = result.criteria_met() if result.ladder.rungs else np.zeros(len(result), np.int64)
    missing = missing_counts(result)
    observations = result.observations
    rows = [[words[k] for k in ("unit", "name", "period", "tier", "criteria_met", "missing")]]
    rows.extend(
        [
            code,
            observations.attribute("name", row) or "",
            str(observations.periods[row]),
            tiers[row],
            f"{int(met[row])}/{total}",
            str(int(missing[row])),
        ]
        for row, code in enumerate(observations.codes)
    )
    summary = words["summary"].format(
        n=len(result), rules=", ".join(result.ladder.ids), counts=_tier_counts(result, lang)
    )
    return "\n".join([*_columns(rows), "", summary])


def repr_text(result: BatchResult) -> str:
    """``<BatchResult units=182 level=commune on=2024-12-31 …>`` (under 300 characters)."""
    ladder = result.ladder
    return short_repr(
        "BatchResult",
        ("units", len(result)),
        ("level", ladder.level.value),
        ("on", ladder.on.isoformat()),
        ("tiers", "{" + _tier_counts(result, "en") + "}"),
        ("rules", ",".join(ladder.ids)),
    )


def _rung_names(result: BatchResult, lang: Lang) -> list[str]:
    return [e.tier.label(lang) if e.tier is not None else e.edition for e in result.ladder.rungs]


def html(result: BatchResult, *, lang: Lang = "en", limit: int = _HTML_ROWS) -> str:
    """A compact table: tier (``*`` when provisional), criteria met per rung, outcome marks."""
    lang = check_lang(lang)
    words = _WORDS[lang]
    ladder = result.ladder
    codes = criteria_codes(result)
    rung_names = _rung_names(result, lang)
    tiers = _tier_names(result, lang, labels=True)
    flagged = provisional(result)
    missing = missing_counts(result)
    met = [result.criteria_met(r) for r in range(len(ladder.rungs))]
    totals = [len(e.criteria) for e in ladder.rungs]
    criteria = result.criterion_outcomes[0] if ladder.rungs else {}
    header = [
        words["unit"].lower(),
        words["name"].lower(),
        words["tier"].lower(),
        *(f"{name}: {words['criteria_met'].lower()}" for name in rung_names),
        *codes,
        words["missing"].lower(),
    ]
    observations = result.observations
    rows: list[list[object]] = []
    for row, code in enumerate(observations.codes):
        rows.append(
            [
                code,
                observations.attribute("name", row) or "",
                tiers[row] + ("*" if flagged[row] else ""),
                *(f"{int(m[row])}/{t}" for m, t in zip(met, totals, strict=True)),
                *(_MARK[OUTCOMES[int(criteria[c][row])]] for c in codes),
                int(missing[row]),
            ]
        )
    caption = words["caption"].format(
        n=len(result),
        level=_LEVELS[lang].get(ladder.level.value, ladder.level.value),
        on=ladder.on.isoformat(),
    )
    parts = [
        '<div class="ntm-batch">',
        html_table(header, rows, caption=caption, limit=limit),
        f"<p>{_escape(words['marks'])}</p>",
    ]
    if flagged.any():
        parts.append(f"<p>{_escape(words['provisional'])}</p>")
    rules = "".join(
        f"<li>{_escape(e.id)}: {_escape(str(e.instrument))}</li>"
        for e in (*ladder.rungs, *((ladder.recognition,) if ladder.recognition else ()))
    )
    parts.append(
        f"<details><summary>{_escape(words['rules'])} ({len(ladder.ids)})</summary>"
        f"<ul>{rules}</ul><p>{_escape(result.rules_hash)}</p></details>"
    )
    parts.append("</div>")
    return "".join(parts)


def _escape(value: str) -> str:
    return html_module.escape(value)


def frame_columns(result: BatchResult) -> list[str]:
    """The column names of :func:`frame`, in order."""
    rungs = result.ladder.rungs
    tiers = [e.tier.value if e.tier is not None else e.edition for e in rungs]
    return [
        "unit_code",
        "name",
        "level",
        "period",
        "tier",
        "tier_at_least",
        "outcome",
        *(f"criteria_met_{t}" for t in tiers),
        *(f"{t}.{c.code}" for t, e in zip(tiers, rungs, strict=True) for c in e.criteria),
        "provisional",
        "missing",
    ]


def _table_rows(result: BatchResult) -> list[list[Any]]:
    ladder = result.ladder
    observations = result.observations
    tiers = _tier_names(result, "en", labels=False)
    at_least = result.tiers_at_least()
    outcomes = result.outcomes() if ladder.rungs else [Outcome.UNKNOWN] * len(result)
    met = [result.criteria_met(r).tolist() for r in range(len(ladder.rungs))]
    criteria = [
        (code, array.tolist())
        for per_rung in result.criterion_outcomes
        for code, array in per_rung.items()
    ]
    flagged = provisional(result).tolist()
    missing = missing_counts(result).tolist()
    return [
        [
            code,
            observations.attribute("name", row),
            ladder.level.value,
            observations.periods[row],
            tiers[row],
            at_least[row].value,
            outcomes[row].value,
            *(m[row] for m in met),
            *(OUTCOMES[values[row]].value for _, values in criteria),
            flagged[row],
            missing[row],
        ]
        for row, code in enumerate(observations.codes)
    ]


def frame(result: BatchResult) -> Any:  # noqa: ANN401 - a pandas DataFrame; pandas is optional
    """One row per unit (see :meth:`BatchResult.to_frame` for the columns)."""
    pd = require("pandas", feature="BatchResult.to_frame()")
    return pd.DataFrame(_table_rows(result), columns=frame_columns(result))


def sheets(result: BatchResult, *, lang: Lang = "en") -> list[Sheet]:
    """The workbook of ``ntm assess --format xlsx``: the units, and the rules used."""
    lang = check_lang(lang)
    words = _WORDS[lang]
    ladder = result.ladder
    names = frame_columns(result)
    header = names
    if lang == "vi":
        fixed = {
            "unit_code": "mã đơn vị",
            "name": "tên",
            "level": "cấp",
            "period": "năm",
            "tier": "mức đạt",
            "tier_at_least": "mức đạt chắc chắn",
            "outcome": "kết quả",
            "provisional": "kết quả tạm",
            "missing": "số chỉ tiêu thiếu số liệu",
        }
        rung_vi = {
            (e.tier.value if e.tier is not None else e.edition): (
                e.tier.label("vi") if e.tier is not None else e.edition
            )
            for e in ladder.rungs
        }
        header = []
        for name in names:
            if name in fixed:
                header.append(fixed[name])
            elif name.startswith("criteria_met_"):
                header.append(f"tiêu chí đạt ({rung_vi[name.removeprefix('criteria_met_')]})")
            else:
                tier, _, code = name.partition(".")
                header.append(f"{rung_vi[tier]}: tiêu chí {code}")
    rows = _table_rows(result)
    if lang == "vi":
        rows = [_vi_row(row) for row in rows]
    rules = [
        (e.id, e.title_vi if lang == "vi" else e.title_en, str(e.instrument))
        for e in (*ladder.rungs, *((ladder.recognition,) if ladder.recognition else ()))
    ]
    rule_header = (
        ("quy định", "tên", "văn bản") if lang == "vi" else ("rule set", "title", "source")
    )
    return [
        Sheet(title=words["units"], header=header, rows=rows),
        Sheet(
            title=words["rules"],
            header=rule_header,
            rows=[*rules, ("on", ladder.on, ""), ("rules_hash", result.rules_hash, "")],
        ),
    ]


_VI_VALUES = {
    "met": "đạt",
    "not_met": "chưa đạt",
    "unknown": "chưa xác định",
    "not_applicable": "không áp dụng",
    **{t.value: t.label("vi") for t in Tier},
}


def _vi_row(row: list[Any]) -> list[Any]:
    return [_VI_VALUES.get(v, v) if isinstance(v, str) else v for v in row]


class BatchPlots:
    """``result.plot``: figures of a :class:`~ntm_core.engine.BatchResult` (matplotlib)."""

    def __init__(self, result: BatchResult) -> None:
        self._result = result

    def criteria_met(
        self,
        *,
        rung: int = 0,
        ax: Any = None,  # noqa: ANN401 - a matplotlib Axes; matplotlib is optional
        lang: Lang = "en",
    ) -> Any:  # noqa: ANN401 - a matplotlib Axes
        """A bar chart of how many units meet how many criteria, in the official bands.

        Bars go from the lowest band (``<5``) to all criteria (``19``), as in
        the reports. Returns the matplotlib ``Axes`` drawn on (``ax``, or a new one).
        """
        lang = check_lang(lang)
        words = _WORDS[lang]
        result = self._result
        total = len(criteria_codes(result, rung))
        counts = np.bincount(
            band_of(result.criteria_met(rung), total), minlength=len(band_edges(total))
        )
        if ax is None:
            plt = require("matplotlib.pyplot", feature="BatchResult.plot.criteria_met()")
            _, ax = plt.subplots()
        labels = list(band_labels(total))[::-1]
        ax.bar(labels, counts[::-1].tolist())
        ax.set_xlabel(words["criteria_axis"].format(total=total))
        ax.set_ylabel(words["units_axis"])
        ax.set_title(words["plot_title"].format(n=len(result), on=result.ladder.on.isoformat()))
        return ax
