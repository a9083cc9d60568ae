"""What a :class:`~ntm_core.engine.BatchResult` looks like: records, a frame, a table, a plot.

One row per unit, the same everywhere: ``ntm assess`` prints :func:`text`,
:func:`write_csv` and :func:`write_json` (the records, chunk by chunk), a
notebook shows :func:`html`, an analyst gets :func:`frame`, an official gets
:func:`sheets` in Excel.
"""

from __future__ import annotations

import html as html_module
import io
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, TextIO, TypedDict, cast

import numpy as np
import numpy.typing as npt

from ntm_core._core import tables
from ntm_core._core.display import Lang, check_lang, html_table, short_repr
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core._core.workbook import FORMULA_STARTS, Sheet
from ntm_core.engine._bands import band_edges, band_labels, band_of
from ntm_core.engine._codes import CODES, OUTCOMES

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

Codes = npt.NDArray[np.int8]

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

Pieces = npt.NDArray[np.object_]
"""A column of text pieces, one per row of a chunk (``object`` array of ``str``)."""

_CSV_QUOTED = ',"\r\n'
"""Characters that get a cell quoted by :func:`~ntm_core._core.tables.csv_field`."""
_CSV_STARTS = (*FORMULA_STARTS, "'")
"""What a cell starts with when :func:`~ntm_core._core.tables.csv_field` neutralises it."""


def _csv_cells(values: Sequence[str | None]) -> Sequence[str]:
    """:func:`~ntm_core._core.tables.csv_field` of each text, ``""`` for ``None``.

    Codes and names almost never need quoting or neutralising: a few substring
    searches over the chunk's texts joined by NUL say so (a NUL inside a text
    can only make them say yes more often), and the texts are then written as
    they are.
    """
    if None not in values:
        texts = cast("Sequence[str]", values)
        joined = "\x00" + "\x00".join(texts)
        if not any(c in joined for c in _CSV_QUOTED) and not any(
            "\x00" + c in joined for c in _CSV_STARTS
        ):
            return texts
    return [_csv_field(v) if v else "" for v in values]


def _json_texts(values: Sequence[str | None]) -> list[str]:
    """Each text as a JSON string (as ``json.dumps(ensure_ascii=False)``), ``null`` for ``None``."""
    if None not in values:
        return list(map(encode_basestring, cast("Sequence[str]", values)))
    return [encode_basestring(v) if v is not None else "null" for v in values]


def _lookup(pieces: Sequence[str]) -> Pieces:
    """A lookup table of text pieces, indexed by small integer codes."""
    table = np.empty(len(pieces), dtype=object)
    table[:] = list(pieces)
    return table


def _join(columns: Sequence[Pieces | Sequence[str] | str], m: int) -> str:
    """Rows of ``m`` pieces' columns (or one piece for all), concatenated row by row."""
    grid = np.empty((m, len(columns)), dtype=object)
    for j, column in enumerate(columns):
        grid[:, j] = column
    return "".join(grid.ravel().tolist())


_N_CODES = max(OUTCOMES) + 1
"""Outcome codes are ``0 .. _N_CODES - 1`` (see :data:`~ntm_core.engine.CODES`)."""
_GROUP = 3
"""Criteria rendered by one lookup (4 outcomes ** 3 = 64 pieces per table)."""


def _grouped(codes: Sequence[str]) -> list[list[str]]:
    return [list(codes[i : i + _GROUP]) for i in range(0, len(codes), _GROUP)]


def _group_index(arrays: Sequence[Codes], start: int, stop: int) -> npt.NDArray[np.intp]:
    """Per row: the outcome codes of a group of criteria as one base-4 number."""
    index = np.zeros(stop - start, dtype=np.intp)
    for array in arrays:
        index *= _N_CODES
        index += array[start:stop]
    return index


def _group_table(pieces: Sequence[Sequence[str]]) -> Pieces:
    """Every combination of one piece per criterion (``pieces[k][code]``), in base-4 order."""
    combined = [""]
    for per_code in pieces:
        combined = [left + right for left in combined for right in per_code]
    return _lookup(combined)


class _Columns:
    """The per-unit fields of :func:`records`, as columns, sliced a chunk of rows at a time.

    The writers render a chunk column by column: tiers, outcomes, counts and
    criteria are looked up in small tables of pre-rendered pieces (with the
    punctuation around them) by their integer codes, codes and names are
    escaped once each, and the pieces of all rows are joined at once.
    """

    def __init__(self, result: BatchResult) -> None:
        n = len(result)
        rungs = result.ladder.rungs
        self.result = result
        self.codes = result.observations.codes
        self.periods = result.observations.periods
        self.names = result.observations.attributes.get("name")
        self.keys = list(dict.fromkeys(i.key for rung in rungs for _, i in rung.indicators()))
        self.criteria = result.criterion_outcomes[0] if rungs else {}
        # tier_index + 2 indexes these (-2 unknown, -1 not yet), and tier_at_least_index + 2
        self.tier_names = ["unknown", Tier.NOT_YET.value, *(t.value for t in result.ladder.tiers)]
        self.tier_codes = np.asarray(result.tier_index, dtype=np.intp) + 2
        self.at_least_codes = np.maximum(result.tier_at_least_index, -1).astype(np.intp) + 2
        self.outcome_names = [OUTCOMES[c].value for c in range(_N_CODES)]
        unknown = CODES[Outcome.UNKNOWN]
        self.outcome_codes = (
            result.rung_outcomes[0] if rungs else np.full(n, unknown, dtype=np.int8)
        )
        self.met = result.criteria_met() if rungs else np.zeros(n, np.int64)

    def missing(self, start: int, stop: int) -> npt.NDArray[np.bool_]:
        """Rows × indicator keys: whether the value is missing."""
        columns = self.result.observations.columns
        out = np.ones((stop - start, len(self.keys)), dtype=bool)
        for j, key in enumerate(self.keys):
            if key in columns:
                np.logical_not(columns[key].present[start:stop], out=out[:, j])
        return out

    def records(self, start: int, stop: int) -> list[Record]:
        """The :class:`Record` of rows ``start:stop``."""
        names = self.names
        rows, cols = np.nonzero(self.missing(start, stop))
        counts = np.bincount(rows, minlength=stop - start)
        missing = [part.tolist() for part in np.split(cols, np.cumsum(counts)[:-1])]
        outcomes = {
            code: [self.outcome_names[v] for v in codes[start:stop].tolist()]
            for code, codes in self.criteria.items()
        }
        tiers = self.tier_codes[start:stop].tolist()
        at_least = self.at_least_codes[start:stop].tolist()
        rung = self.outcome_codes[start:stop].tolist()
        met = self.met[start:stop].tolist()
        return [
            Record(
                unit=self.codes[row],
                name=None if names is None else names[row],
                period=self.periods[row],
                tier=self.tier_names[tiers[i]],
                tier_at_least=self.tier_names[at_least[i]],
                outcome=self.outcome_names[rung[i]],
                criteria_met=met[i],
                criteria=[{"code": c, "outcome": o[i]} for c, o in outcomes.items()],
                missing=[self.keys[j] for j in missing[i]],
            )
            for i, row in enumerate(range(start, stop))
        ]

    def _states(self, start: int, stop: int) -> npt.NDArray[np.intp]:
        """Per row: tier, tier at least and outcome as one index (see :meth:`_state_names`)."""
        n_tiers = len(self.tier_names)
        index = self.tier_codes[start:stop] * n_tiers + self.at_least_codes[start:stop]
        index *= _N_CODES
        index += self.outcome_codes[start:stop]
        return index

    def _state_names(self) -> list[tuple[str, str, str]]:
        """Tier, tier at least and outcome names, in the order of :meth:`_states`."""
        names = self.tier_names
        return [(t, a, o) for t in names for a in names for o in self.outcome_names]

    def _periods(self, start: int, stop: int, render: Callable[[int], str]) -> Pieces:
        """``render(period)`` for each row: each distinct period rendered once."""
        distinct, inverse = np.unique(np.asarray(self.periods[start:stop]), return_inverse=True)
        return _lookup([render(p) for p in distinct.tolist()])[inverse.reshape(-1)]


class _JsonWriter(_Columns):
    """Renders chunks of records as ``json.dumps(records, ensure_ascii=False, indent=2)`` does."""

    def __init__(self, result: BatchResult) -> None:
        super().__init__(result)
        quote = encode_basestring
        self.states = _lookup(
            [
                f',\n    "tier": {quote(t)},\n    "tier_at_least": {quote(a)},\n'
                f'    "outcome": {quote(o)},\n    "criteria_met": '
                for t, a, o in self._state_names()
            ]
        )
        criteria = list(self.criteria)
        after = f',\n    "criteria": {"[]" if not criteria else "["}'
        self.counts = _lookup([f"{m}{after}" for m in range(len(criteria) + 1)])
        self.groups = []
        for g, group in enumerate(_grouped(criteria)):
            pieces = []
            for k, code in enumerate(group):
                first = g == 0 and k == 0
                last = g * _GROUP + k == len(criteria) - 1
                pieces.append(
                    [
                        f'{"" if first else ","}\n      {{\n        "code": {quote(code)},\n'
                        f'        "outcome": {quote(name)}\n      }}' + ("\n    ]" if last else "")
                        for name in self.outcome_names
                    ]
                )
            self.groups.append(([self.criteria[c] for c in group], _group_table(pieces)))
        keys = [quote(k) for k in self.keys]
        self.first_key = _lookup([f"[\n      {k}" for k in keys])
        self.next_key = _lookup([f",\n      {k}" for k in keys])
        self.tails = _lookup(["[]\n  }", "\n    ]\n  }"])  # without, with missing keys

    def items(self, start: int, stop: int, lead: str) -> str:
        """``lead``, then rows ``start:stop`` as items of the JSON list of records, comma-separated.

        Byte for byte what ``json.dumps(records, ensure_ascii=False, indent=2)``
        writes for them (tests compare the two), rendered column-wise.
        """
        m = stop - start
        names = self.names
        fixed: list[Pieces | Sequence[str] | str] = [
            ',\n  {\n    "unit": ',
            _json_texts(self.codes[start:stop]),
            ',\n    "name": ',
            "null" if names is None else _json_texts(names[start:stop]),
            self._periods(start, stop, lambda p: f',\n    "period": {p}'),
            self.states[self._states(start, stop)],
            self.counts[self.met[start:stop]],
            *(table[_group_index(arrays, start, stop)] for arrays, table in self.groups),
            ',\n    "missing": ',
        ]
        # the missing keys: a variable number of pieces per row, after the fixed ones
        rows, cols = np.divmod(np.flatnonzero(self.missing(start, stop)), max(len(self.keys), 1))
        counts = np.bincount(rows, minlength=m)
        firsts = np.cumsum(counts) - counts  # position in rows/cols of each row's first key
        rank = np.arange(len(rows)) - firsts[rows]
        keys = np.where(rank == 0, self.first_key[cols], self.next_key[cols])
        width = len(fixed)
        starts = np.arange(m) * (width + 1) + np.concatenate(([0], np.cumsum(counts)[:-1]))
        out = np.empty(m * (width + 1) + len(rows), dtype=object)
        for j, column in enumerate(fixed):
            out[starts + j] = column
        out[starts[rows] + width + rank] = keys
        out[starts + width + counts] = self.tails[(counts > 0).astype(np.intp)]
        out[0] = lead + '  {\n    "unit": '
        return "".join(out.tolist())


class _CsvWriter(_Columns):
    """Renders chunks of rows as the one CSV writer (:func:`~ntm_core._core.tables.csv_field`)."""

    def __init__(self, result: BatchResult, codes: Sequence[str]) -> None:
        super().__init__(result)
        self.states = _lookup([f",{t},{o}," for t, _, o in self._state_names()])
        self.counts = _lookup([f"{m}," for m in range(len(self.criteria) + 1)])
        self.missing_counts = _lookup([str(m) for m in range(len(self.keys) + 1)])
        groups = _grouped(codes)
        self.groups = [
            (
                [self.criteria[c] for c in group],
                _group_table([[f",{name}" for name in self.outcome_names] for _ in group]),
            )
            for group in groups
        ]
        # the line end goes with the last piece of a row
        last = self.groups[-1][1] if groups else self.missing_counts
        last[:] = [piece + "\n" for piece in last.tolist()]

    def lines(self, start: int, stop: int) -> str:
        """The CSV lines of rows ``start:stop``, a column per criterion.

        What the csv module's writer writes, one line per row (tests compare
        the two), joined column-wise with no Python code per row.
        """
        m = stop - start
        names = self.names
        columns: list[Pieces | Sequence[str] | str] = [
            _csv_cells(self.codes[start:stop]),
            ",",
            "" if names is None else _csv_cells(names[start:stop]),
            self._periods(start, stop, lambda p: f",{p}"),
            self.states[self._states(start, stop)],
            self.counts[self.met[start:stop]],
            self.missing_counts[self.missing(start, stop).sum(axis=1)],
            *(table[_group_index(arrays, start, stop)] for arrays, table in self.groups),
        ]
        return _join(columns, m)


_csv_field = tables.csv_field  # the one CSV cell writer: quoted as needed, formulas neutralised


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
    writer = _JsonWriter(result)
    for start in range(0, n, CHUNK):
        stream.write(writer.items(start, min(start + CHUNK, n), "[\n" if start == 0 else ",\n"))
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
    writer = _CsvWriter(result, codes)
    for start in range(0, n, CHUNK):
        stream.write(writer.lines(start, min(start + CHUNK, n)))


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
