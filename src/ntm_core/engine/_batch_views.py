"""What a :class:`~ntm_core.engine.BatchResult` looks like: records, a frame, a table, a plot.

One row per unit, the same everywhere: ``ntm assess`` prints :func:`text`,
:func:`write_csv` and :func:`write_json` (the records, chunk by chunk), a
notebook shows :func:`html`, an analyst gets :func:`frame`, an official gets
:func:`sheets` in Excel.
"""

from __future__ import annotations

import html as html_module
import io
from collections.abc import Sequence
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, TextIO, TypedDict

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
    "CHUNK",
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
    "write_csv",
    "write_json",
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


CHUNK = 4096
"""Units rendered per chunk by :func:`write_json` and :func:`write_csv` (one ``write`` each)."""


class _Columns:
    """The per-unit fields of :func:`records`, as columns, sliced a chunk of rows at a time."""

    def __init__(self, result: BatchResult) -> None:
        n = len(result)
        rungs = result.ladder.rungs
        self.result = result
        self.names = result.observations.attributes.get("name")
        self.keys = list(dict.fromkeys(i.key for rung in rungs for _, i in rung.indicators()))
        self.criteria = result.criterion_outcomes[0] if rungs else {}
        self.tiers = _tier_names(result, "en", labels=False)
        self.at_least = [t.value for t in result.tiers_at_least()]
        self.outcomes = [o.value for o in result.outcomes()] if rungs else ["unknown"] * n
        self.met = result.criteria_met() if rungs else np.zeros(n, np.int64)
        outcome_names = np.empty(max(OUTCOMES) + 1, dtype=object)
        for code, outcome in OUTCOMES.items():
            outcome_names[code] = outcome.value
        self.outcome_names = outcome_names

    def missing(self, start: int, stop: int) -> npt.NDArray[np.bool_]:
        """Rows × indicator keys: whether the value is missing."""
        columns = self.result.observations.columns
        out = np.ones((stop - start, len(self.keys)), dtype=bool)
        for j, key in enumerate(self.keys):
            if key in columns:
                np.logical_not(columns[key].present[start:stop], out=out[:, j])
        return out

    def missing_keys(self, start: int, stop: int) -> list[list[int]]:
        """Per row of ``start:stop``: the positions (in ``keys``) of its missing indicators."""
        rows, cols = np.nonzero(self.missing(start, stop))
        counts = np.bincount(rows, minlength=stop - start)
        return [part.tolist() for part in np.split(cols, np.cumsum(counts)[:-1])]

    def outcome_columns(self, start: int, stop: int) -> dict[str, list[str]]:
        """Criterion code → the outcome name of each row of ``start:stop`` (lowest rung)."""
        names = self.outcome_names
        return {code: names[codes[start:stop]].tolist() for code, codes in self.criteria.items()}

    def records(self, start: int, stop: int) -> list[Record]:
        """The :class:`Record` of rows ``start:stop``."""
        observations = self.result.observations
        names = self.names
        missing = self.missing_keys(start, stop)
        outcomes = self.outcome_columns(start, stop)
        met = self.met[start:stop].tolist()
        return [
            Record(
                unit=observations.codes[row],
                name=None if names is None else names[row],
                period=observations.periods[row],
                tier=self.tiers[row],
                tier_at_least=self.at_least[row],
                outcome=self.outcomes[row],
                criteria_met=met[i],
                criteria=[{"code": c, "outcome": o[i]} for c, o in outcomes.items()],
                missing=[self.keys[j] for j in missing[i]],
            )
            for i, row in enumerate(range(start, stop))
        ]

    def json_items(self, start: int, stop: int) -> str:
        """Rows ``start:stop`` as items of the JSON list of records, comma-separated.

        Byte for byte what ``json.dumps(records, ensure_ascii=False, indent=2)``
        writes for them (tests compare the two), but rendered from the columns
        with precomputed fragments: the stdlib encoder is pure Python once indenting.
        """
        quote = encode_basestring
        observations = self.result.observations
        names = self.names
        criteria = [(quote(c), codes[start:stop].tolist()) for c, codes in self.criteria.items()]
        outcomes = {value: quote(outcome.value) for value, outcome in OUTCOMES.items()}
        fragments = {
            code: {
                value: f'{{\n        "code": {code},\n        "outcome": {name}\n      }}'
                for value, name in outcomes.items()
            }
            for code, _ in criteria
        }
        keys = [quote(k) for k in self.keys]
        missing = self.missing_keys(start, stop)
        met = self.met[start:stop].tolist()
        items = []
        for i, row in enumerate(range(start, stop)):
            name = None if names is None else names[row]
            listed = _json_list([fragments[code][values[i]] for code, values in criteria])
            absent = _json_list([keys[j] for j in missing[i]])
            items.append(
                f"  {{\n"
                f'    "unit": {quote(observations.codes[row])},\n'
                f'    "name": {"null" if name is None else quote(name)},\n'
                f'    "period": {observations.periods[row]},\n'
                f'    "tier": {quote(self.tiers[row])},\n'
                f'    "tier_at_least": {quote(self.at_least[row])},\n'
                f'    "outcome": {quote(self.outcomes[row])},\n'
                f'    "criteria_met": {met[i]},\n'
                f'    "criteria": {listed},\n'
                f'    "missing": {absent}\n'
                f"  }}"
            )
        return ",\n".join(items)

    def csv_lines(self, start: int, stop: int, codes: Sequence[str]) -> str:
        """The CSV lines of rows ``start:stop``, a column per criterion in ``codes``.

        What the csv module's writer writes, one line per row (tests compare
        the two), joined column-wise with no Python code per row.
        """
        observations = self.result.observations
        names = self.names
        outcomes = self.outcome_columns(start, stop)
        columns = [
            map(_csv_field, observations.codes[start:stop]),
            [""] * (stop - start)
            if names is None
            else [_csv_field(n) if n else "" for n in names[start:stop]],
            map(str, observations.periods[start:stop]),
            self.tiers[start:stop],
            self.outcomes[start:stop],
            map(str, self.met[start:stop].tolist()),
            map(str, self.missing(start, stop).sum(axis=1).tolist()),
            *(outcomes[c] for c in codes),
        ]
        return "".join(line + "\n" for line in map(",".join, zip(*columns, strict=True)))


_csv_field = tables.csv_field  # the one CSV cell writer: quoted as needed, formulas neutralised


def _json_list(items: list[str]) -> str:
    """A JSON list of rendered items inside a record, laid out as ``json.dumps(indent=2)`` does."""
    if not items:
        return "[]"
    return "[\n      " + ",\n      ".join(items) + "\n    ]"


def records(result: BatchResult) -> list[Record]:
    """Per unit: the stable JSON fields of ``ntm assess --format json``."""
    return _Columns(result).records(0, len(result))


def write_json(result: BatchResult, stream: TextIO) -> None:
    """:func:`records` as a JSON list (2-space indent, UTF-8 text), one ``write`` per chunk.

    Byte for byte ``json.dump(records(result), stream, ensure_ascii=False, indent=2)``
    and a newline, without holding the whole text or the records.
    """
    n = len(result)
    if not n:
        stream.write("[]\n")
        return
    columns = _Columns(result)
    for start in range(0, n, CHUNK):
        text = columns.json_items(start, min(start + CHUNK, n))
        stream.write(("[\n" if start == 0 else ",\n") + text)
    stream.write("\n]\n")


def write_csv(result: BatchResult, stream: TextIO) -> None:
    """``ntm assess --format csv``: a row per unit, a column per criterion of the lowest rung.

    The header, then one ``write`` per chunk of units; what ``csv.writer``
    writes for the same rows, with newline line ends.
    """
    codes = criteria_codes(result)
    header = ["unit", "name", "period", "tier", "outcome", "criteria_met", "missing", *codes]
    stream.write(",".join(map(_csv_field, header)) + "\n")
    n = len(result)
    if not n:
        return
    columns = _Columns(result)
    for start in range(0, n, CHUNK):
        stream.write(columns.csv_lines(start, min(start + CHUNK, n), codes))


def csv_text(result: BatchResult) -> str:
    """:func:`write_csv` into a string."""
    buffer = io.StringIO()
    write_csv(result, buffer)
    return buffer.getvalue()


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
