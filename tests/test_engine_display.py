"""What the engine's results look like: reprs, HTML, DataFrames, text, Excel, plots.

Run on the bundled Hà Tĩnh sample (synthetic values, an illustrative threshold
sheet) so that every criterion has a threshold; the HTML is parsed with
``html.parser``, never matched with regular expressions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import matplotlib as mpl
import pytest

from ntm_core import RuleLevel
from ntm_core._core import tables
from ntm_core.cli import main
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import CODES, Column, Ladder, Observations, assess, render_text
from ntm_core.engine._bands import band_labels
from ntm_core.exceptions import MissingDependencyError, OutputError
from ntm_core.io import read_observations
from ntm_core.rules import IndicatorKind, Rulebook

mpl.use("Agg")

ON = dt.date(2024, 12, 31)
GOLDEN = Path(__file__).parent / "golden"
COMMUNES = GOLDEN / "communes-2024.csv"
SHEET = HA_TINH_DIR / "sample-thresholds.csv"
BOOK = Rulebook.bundled().with_thresholds(SHEET)


@pytest.fixture(scope="module")
def result():
    ladder = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON, scope="ha-tinh")
    observations = read_observations(COMMUNES, catalog=ladder.catalog())
    return assess(observations, on=ON, level=RuleLevel.COMMUNE, rulebook=BOOK, scope="ha-tinh")


@pytest.fixture(scope="module")
def sparse():
    """Two communes with only an income value: tiers unknown, most indicators missing."""
    observations = Observations(
        codes=["18550", "18553"],
        periods=[2024, 2024],
        columns={
            "income_per_capita": Column.from_values(
                "income_per_capita", IndicatorKind.NUMERIC, [Fraction(50), None]
            )
        },
        attributes={"region": ["BTB", "BTB"], "name": ["Xã A", "=Xã B"]},
    )
    return assess(observations, on=ON, level=RuleLevel.COMMUNE, rulebook=BOOK)


class Tree(HTMLParser):
    """The tags, table cells and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in {"td", "th"}:
            self._cell, self._in = [], tag

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._cell is not None:
            value = "".join(self._cell)
            (self.headers if tag == "th" else self.rows[-1]).append(value)
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(fragment: str) -> Tree:
    tree = Tree()
    tree.feed(fragment)
    tree.close()
    return tree


# ------------------------------------------------------------------ BatchResult


def test_batch_repr_is_short_and_says_what_it_is(result):
    text = repr(result)
    assert len(text) < 300
    assert text.startswith("<BatchResult units=182 level=commune on=2024-12-31")
    assert "53 advanced, 18 model, 111 standard" in text


def test_batch_html_is_a_table_of_the_first_units_with_marks(result):
    tree = parse(result._repr_html_())
    assert "table" in tree.tags
    assert "details" in tree.tags  # the rule sets and their sources
    body = [r for r in tree.rows if r]
    assert len(body) == 20
    assert tree.headers[:3] == ["unit", "name", "tier"]
    assert tree.headers[-1] == "missing"
    assert [h for h in tree.headers if h.isdigit()] == [str(i) for i in range(1, 21)]
    first = body[0]
    assert first[0] == "18088"
    assert first[2] == "advanced*"  # decided with illustrative thresholds
    text = "".join(tree.text)
    assert "… 162 more rows" in text
    assert "* provisional" in text
    assert "✓ met" in text


def test_batch_html_marks_unknown_and_escapes_names(sparse):
    html = sparse.to_html(lang="vi")
    assert "=Xã B" in html
    tree = parse(html)
    body = [r for r in tree.rows if r]
    assert len(body) == 2
    assert body[0][2].rstrip("*") == "chưa xác định"  # the tier
    assert "?" in body[0]
    assert "đơn vị cấp xã" in "".join(tree.text)


def test_batch_frame_has_one_row_per_unit_and_documented_columns(result):
    frame = result.to_frame()
    assert len(frame) == 182
    assert list(frame.columns[:7]) == [
        "unit_code",
        "name",
        "level",
        "period",
        "tier",
        "tier_at_least",
        "outcome",
    ]
    assert {"criteria_met_standard", "criteria_met_advanced", "criteria_met_model"} <= set(
        frame.columns
    )
    assert "standard.20" in frame.columns
    assert "advanced.19" in frame.columns
    assert list(frame.columns[-2:]) == ["provisional", "missing"]
    assert frame["tier"].value_counts().to_dict() == {"standard": 111, "advanced": 53, "model": 18}
    row = frame.set_index("unit_code").loc["18814"]
    explained = result.explain("18814")
    assert row["tier"] == explained.tier.value
    assert row["criteria_met_advanced"] == explained.rungs[1].criteria_met
    assert row["advanced.10"] == "not_met"
    assert bool(row["provisional"]) is explained.provisional
    assert frame["missing"].sum() == 0


def test_batch_provisional_and_missing_agree_with_the_scalar_path(sparse):
    explained = sparse.assessments()
    assert sparse.provisional().tolist() == [a.provisional for a in explained]
    assert sparse.missing_counts().tolist() == [len(a.missing) for a in explained]
    frame = sparse.to_frame()
    assert frame["tier"].tolist() == ["unknown", "unknown"]
    assert frame["standard.10"].tolist() == ["met", "unknown"]  # 50 million VND is enough


def test_batch_to_frame_without_pandas_says_how_to_install(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"ntm-core\[pandas\]"):
        result.to_frame()


def test_batch_to_dict_is_json_with_the_rules_used(result):
    document = json.loads(json.dumps(result.to_dict()))
    assert document["schema"] == "ntm_core.assessments/1"
    assert document["on"] == "2024-12-31"
    assert document["rules"][0] == "ha-tinh.commune.standard@2021-2025+211"
    assert document["rules_hash"].startswith("sha256:")
    assert len(document["units"]) == 182
    assert document["units"] == result.to_records()


def test_batch_to_text_is_what_ntm_assess_prints(result):
    golden = (GOLDEN / "assess.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    assert result.to_text() + "\n" == golden
    csv_golden = (GOLDEN / "assess-csv.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    assert result.to_csv() == csv_golden


def test_batch_records_agree_with_the_per_row_results(result, sparse):
    """The column-wise records say what the per-row accessors say, row by row."""
    for batch in (result, sparse):
        records = batch.to_records()
        met = batch.criteria_met().tolist()
        tiers = batch.tiers()
        missing = batch.missing_counts().tolist()
        for row, record in enumerate(records):
            assert record["unit"] == batch.observations.codes[row]
            assert record["name"] == batch.observations.attribute("name", row)
            assert record["tier"] == ("unknown" if tiers[row] is None else tiers[row].value)
            assert record["tier_at_least"] == batch.tiers_at_least()[row].value
            assert record["outcome"] == batch.outcomes()[row].value
            assert record["criteria_met"] == met[row]
            assert record["criteria"] == [
                {"code": code, "outcome": outcome.value}
                for code, outcome in batch.criterion_outcomes_of(row).items()
            ]
            assert len(record["missing"]) == missing[row]


class _Writes(io.StringIO):
    """A text stream that counts its writes."""

    count = 0

    def write(self, text):
        self.count += 1
        return super().write(text)


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_batch_write_json_and_csv_stream_the_same_bytes(result, monkeypatch, chunk):
    from ntm_core.engine import _batch_views

    monkeypatch.setattr(_batch_views, "CHUNK", chunk)
    out = _Writes()
    result.write_json(out)
    assert out.getvalue() == json.dumps(result.to_records(), ensure_ascii=False, indent=2) + "\n"
    assert out.count == -(-len(result) // chunk) + 1  # a write per chunk, and the closing one
    out = _Writes()
    result.write_csv(out)
    assert out.getvalue() == result.to_csv()
    assert out.count == -(-len(result) // chunk) + 1  # the header, then a write per chunk


def test_batch_write_of_no_unit(result):
    empty = result.take([])
    out = io.StringIO()
    empty.write_json(out)
    assert out.getvalue() == "[]\n"
    out = io.StringIO()
    empty.write_csv(out)
    assert out.getvalue() == result.to_csv().split("\n", 1)[0] + "\n"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_cli_assess_streams_to_the_output_file(tmp_path, fmt):
    base = ["assess", COMMUNES, "--on", "2024-12-31", "--thresholds", SHEET, "--scope", "ha-tinh"]
    code, printed = run(*base, "--format", fmt)
    assert code == 0
    target = tmp_path / f"r.{fmt}"
    assert run(*base, "--format", fmt, "-o", target) == (0, "")
    assert target.read_text(encoding="utf-8") == printed
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_cli_assess_output_file_is_whole_or_not_at_all(tmp_path, monkeypatch):
    from ntm_core.engine import _batch_views

    def broken(result, stream):
        stream.write("[\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_batch_views, "write_json", broken)
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    base = ["assess", COMMUNES, "--on", "2024-12-31", "--thresholds", SHEET, "--scope", "ha-tinh"]
    assert run(*base, "--format", "json", "-o", target, "--force")[0] == 1
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_batch_to_text_in_vietnamese(result):
    text = result.to_text(lang="vi")
    assert text.startswith("MÃ ")
    assert "MỨC ĐẠT" in text.splitlines()[0]
    assert "THIẾU SỐ LIỆU" in text.splitlines()[0]
    assert "đạt chuẩn NTM nâng cao" in text
    assert text.endswith("111 đạt chuẩn NTM")
    with pytest.raises(ValueError, match="lang"):
        result.to_text(lang="fr")


def test_batch_to_excel_writes_a_workbook_with_numbers_and_a_frozen_header(result, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "assess.xlsx"
    result.to_excel(path, lang="vi")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Đơn vị", "Quy định"]
    units = book["Đơn vị"]
    assert units.freeze_panes == "A2"
    header = [c.value for c in units[1]]
    assert header[:5] == ["mã đơn vị", "tên", "cấp", "năm", "mức đạt"]
    assert "tiêu chí đạt (đạt chuẩn NTM nâng cao)" in header
    first = [c.value for c in units[2]]
    assert first[0] == "18088"
    assert first[3] == 2024  # a number, not text
    assert first[4] == "đạt chuẩn NTM nâng cao"
    assert units.max_row == 183
    with pytest.raises(OutputError, match="exists"):
        result.to_excel(path)
    result.to_excel(path, force=True)
    assert openpyxl.load_workbook(path).sheetnames == ["Units", "Rules"]


def test_batch_plot_criteria_met_in_the_official_bands(result, sparse):
    import matplotlib.pyplot as plt

    ax = result.plot.criteria_met()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == list(band_labels(20))[::-1]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [0, 0, 0, 0, 182]
    _, own = plt.subplots()
    assert sparse.plot.criteria_met(ax=own, lang="vi") is own
    assert [p.get_height() for p in own.patches] == [2, 0, 0, 0, 0]
    assert "tiêu chí" in own.get_xlabel()
    plt.close("all")


def test_batch_plot_without_matplotlib_says_how_to_install(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingDependencyError, match=r"ntm-core\[plot\]"):
        result.plot.criteria_met()


def run(*argv):
    out = io.StringIO()
    code = main([str(a) for a in argv], out=out)
    return code, out.getvalue()


def test_cli_assess_writes_xlsx(tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "r.xlsx"
    base = ["assess", COMMUNES, "--on", "2024-12-31", "--thresholds", SHEET]
    code, out = run(*base, "--scope", "ha-tinh", "--format", "xlsx", "-o", path, "--lang", "vi")
    assert code == 0
    assert out == f"wrote 182 units to {path}\n"
    assert openpyxl.load_workbook(path)["Đơn vị"]["E1"].value == "mức đạt"
    assert run(*base, "--format", "xlsx")[0] == 2
    assert "needs --output" in capsys.readouterr().err
    assert run(*base, "--format", "xlsx", "-o", path)[0] == 2  # exists, no --force
    text = tmp_path / "r.txt"
    assert run(*base, "--scope", "ha-tinh", "--lang", "vi", "-o", text)[0] == 0
    assert "MỨC ĐẠT" in text.read_text(encoding="utf-8")


def test_render_text_is_unchanged_by_the_batch_views(result):
    assert render_text(result.explain("18814")).startswith("18814 — 2024")


# ------------------------------------------------------------------ Assessment


@pytest.fixture(scope="module")
def explained(result):
    """Commune 18814: standard, and 2.1 million VND short of the (illustrative) advanced income."""
    return result.explain("18814")


def test_assessment_repr_is_short_and_str_is_the_explanation(explained):
    text = repr(explained)
    assert len(text) < 300
    assert text == (
        "<Assessment unit=18814 level=commune period=2024 on=2024-12-31 tier=standard "
        "criteria_met=20/20 missing=0 provisional=True>"
    )
    assert str(explained) == explained.to_text() == render_text(explained)
    rung = explained.rungs[1]
    assert len(repr(rung)) < 300
    assert "criteria_met=14/19" in repr(rung)
    assert len(repr(rung.criteria[0])) < 300
    assert all(len(repr(check)) < 300 for check in rung.checks())


def test_assessment_text_writes_units_the_way_people_do(explained):
    english = explained.to_text()
    assert "51.9 million VND/person/year vs >= 54 million VND/person/year" in english
    assert "short by 2.1 million VND/person/year" in english
    assert "21.21% vs >= 55%" in english
    assert "dimensionless" not in english
    vietnamese = explained.to_text(lang="vi")
    assert "51,9 triệu đồng/người/năm vs >= 54 triệu đồng/người/năm" in vietnamese
    assert "còn thiếu 2,1 triệu đồng/người/năm" in vietnamese
    assert "21,21%" in vietnamese
    assert "million" not in vietnamese


def test_assessment_html_is_a_collapsible_tree_of_rungs_criteria_and_checks(explained):
    tree = parse(explained._repr_html_())
    rungs = explained.rungs
    assert explained.recognition is None  # the sample has no recognition observations
    criteria = sum(len(r.criteria) for r in rungs)
    assert tree.tags.count("details") == len(rungs) + criteria + 1  # + the rules
    assert tree.tags.count("summary") == tree.tags.count("details")
    income = [r for r in tree.rows if r and r[1].startswith("10 Average rural income")][-1]
    assert income == [
        "✗ not met",
        "10 Average rural income per capita",
        "51.9 million VND/person/year",
        ">=",
        "54 million VND/person/year",
        "needs +2.1 million VND/person/year",
        "illustrative (ntm_core Hà Tĩnh sample); illustrative*",
    ]
    text = "".join(tree.text)
    assert "* provisional" in text
    assert "✗ not met: advanced" in text
    assert "ha-tinh.commune.standard@2021-2025+211" in text


def test_assessment_html_in_vietnamese(explained):
    tree = parse(explained.to_html(lang="vi"))
    income = [row for row in tree.rows if row and row[1].startswith("10 ")][-1]  # advanced
    assert income[0] == "✗ chưa đạt"
    assert income[2] == "51,9 triệu đồng/người/năm"
    assert income[5] == "cần thêm 2,1 triệu đồng/người/năm"
    water = [row[2:5] for row in tree.rows if row and row[1].startswith("17 ")]
    assert ["21,21%", ">=", "55%"] in water


def test_assessment_html_of_an_undecided_unit_lists_what_is_missing(sparse):
    assessment = sparse.explain("18553")
    html = assessment.to_html()
    tree = parse(html)
    text = "".join(tree.text)
    assert "unknown (at least not yet" in text
    assert f"Missing observations ({len(assessment.missing)})" in text
    assert "not observed" in [row[2] for row in tree.rows if len(row) > 2]
    with pytest.raises(ValueError, match="lang"):
        assessment.to_html(lang="de")


# ------------------------------------------------------------------ Observations


def test_observations_repr_html_and_frame(result, sparse):
    observations = result.observations
    text = repr(observations)
    assert len(text) < 300
    assert text.startswith("<Observations rows=182 units=182 periods=2024 indicators=")
    tree = parse(observations._repr_html_())
    assert tree.headers[:3] == ["unit_code", "period", "region"]
    assert len(tree.headers) == 3 + 12
    assert len([r for r in tree.rows if r]) == 10
    assert "… 172 more rows" in "".join(tree.text)
    frame = observations.to_frame()
    assert len(frame) == len(observations) == 182
    assert frame.loc[0, "unit_code"] == "18088"
    assert str(frame["income_per_capita"].dtype) == "float64"
    assert str(frame["commune_plan_approved"].dtype) == "boolean"
    exact = observations.to_frame(exact=True)
    row = observations.row_of("18814")
    assert exact.loc[row, "income_per_capita"] == Fraction("51.9")
    small = sparse.observations.to_frame()
    assert small["income_per_capita"].isna().tolist() == [False, True]
    assert small["name"].tolist() == ["Xã A", "=Xã B"]
    assert "yes" in "".join(parse(observations._repr_html_()).text)
    column = observations.columns["income_per_capita"]
    assert len(repr(column)) < 300


def test_observations_floats_of_an_exact_column():
    column = Column.from_values(
        "x", IndicatorKind.NUMERIC, [Fraction(1, 3), None, Fraction(2**70, 7)]
    )
    floats = column.floats()
    assert floats[0] == pytest.approx(1 / 3)
    assert floats[1] != floats[1]  # NaN
    assert floats[2] == pytest.approx(2**70 / 7)


_ODD_TEXTS = [
    'Xã "Q"',
    "A, B",
    "=1+1",
    "+84",
    "-3",
    "@sum",
    "\tlead",
    "'quoted",
    "line\nbreak",
    "cr\rx",
    "back\\slash",
    "ctrl\x01",
    "nul\x00=x",  # a NUL then a formula character: neither quoted nor neutralised
    "Xã Đông",
    "  spaced ",
]


def _odd_result(chunk):
    """Communes made of the sample's, a chunk of plain ones, then a chunk per odd text.

    Each odd chunk has one odd text among its codes and another among its
    names, so that every text must be caught on its own by the writers' checks.
    """
    ladder = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=ON, scope="ha-tinh")
    sample = read_observations(COMMUNES, catalog=ladder.catalog())
    income = sample.columns["income_per_capita"]
    gaps = Column.from_values(  # every third commune without an income: unknown tiers
        "income_per_capita",
        income.kind,
        [None if row % 3 == 0 else income.value(row) for row in range(len(sample))],
    )
    sample = Observations(
        codes=sample.codes,
        periods=sample.periods,
        columns={**sample.columns, "income_per_capita": gaps},
        attributes=sample.attributes,
    )
    n = chunk * (2 + len(_ODD_TEXTS))
    rows = sample.select([i % len(sample) for i in range(n)])
    codes, names = [], []
    for i in range(n):
        odd = i // chunk - 2  # chunk 0 plain, chunk 1 plain with names missing
        if odd >= 0 and i % 7 == 0:
            codes.append(_ODD_TEXTS[odd] + str(i))
        else:  # in chunk 1, only the first code is a formula
            codes.append(f"=X{i}" if i == chunk else f"X{i}")
        if odd == -1 and i % 11 == 0:
            names.append(None)
        elif odd >= 0 and i % 13 == 0:
            names.append(_ODD_TEXTS[(odd + 5) % len(_ODD_TEXTS)])
        else:
            names.append(f"Xã {i}")
    observations = Observations(
        codes=codes,
        periods=[2023 if i % 5 == 0 else p for i, p in enumerate(rows.periods)],
        columns=rows.columns,
        attributes={**rows.attributes, "name": names},
    )
    return assess(observations, on=ON, level=RuleLevel.COMMUNE, rulebook=BOOK, scope="ha-tinh")


def _reference_records(batch):
    """Each unit's record built row by row from the per-row accessors (the writers' old way)."""
    observations = batch.observations
    columns = observations.columns
    keys = list(dict.fromkeys(i.key for r in batch.ladder.rungs for _, i in r.indicators()))
    tiers, at_least, outcomes = batch.tiers(), batch.tiers_at_least(), batch.outcomes()
    met = batch.criteria_met().tolist()
    outcome_of = {code: outcome for outcome, code in CODES.items()}
    criteria = {c: a.tolist() for c, a in batch.criterion_outcomes[0].items()}
    present = {k: columns[k].present.tolist() for k in keys if k in columns}
    return [
        {
            "unit": code,
            "name": observations.attribute("name", row),
            "period": observations.periods[row],
            "tier": "unknown" if tiers[row] is None else tiers[row].value,
            "tier_at_least": at_least[row].value,
            "outcome": outcomes[row].value,
            "criteria_met": met[row],
            "criteria": [
                {"code": c, "outcome": outcome_of[values[row]].value}
                for c, values in criteria.items()
            ],
            "missing": [k for k in keys if not (k in present and present[k][row])],
        }
        for row, code in enumerate(observations.codes)
    ]


def test_batch_writers_render_many_odd_units_as_the_row_by_row_reference(monkeypatch):
    """5,100 units in 17 chunks, odd codes and names (quotes, commas, formulas, NUL, non-ASCII).

    The column-wise JSON and CSV writers give the bytes of ``json.dumps`` and of
    the one CSV writer (``tables.csv_text``) on records built row by row, and
    the readers give the records back (formula cells neutralised with ``'``).
    """
    from ntm_core.engine import _batch_views

    monkeypatch.setattr(_batch_views, "CHUNK", 300)
    batch = _odd_result(300)
    expected = _reference_records(batch)
    assert {r["tier"] for r in expected} >= {"standard", "unknown"}
    assert any(r["missing"] for r in expected)
    assert any(not r["missing"] for r in expected)
    out = io.StringIO()
    batch.write_json(out)
    assert out.getvalue() == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(out.getvalue()) == expected
    codes = [c.code for c in batch.ladder.rungs[0].criteria]
    header = ["unit", "name", "period", "tier", "outcome", "criteria_met", "missing", *codes]
    table = [
        [
            r["unit"],
            r["name"] or "",
            r["period"],
            r["tier"],
            r["outcome"],
            r["criteria_met"],
            len(r["missing"]),
            *({c["code"]: c["outcome"] for c in r["criteria"]}[c] for c in codes),
        ]
        for r in expected
    ]
    text = batch.to_csv()
    assert text == tables.csv_text(header, table)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == header
    assert [tables.restore_cell(row[0]) for row in read[1:]] == [r["unit"] for r in expected]
    assert [tables.restore_cell(row[1]) for row in read[1:]] == [r["name"] or "" for r in expected]
    assert "'=1+1" in {row[1] for row in read[1:]}
