"""``ntm assess``, ``ntm explain`` and ``ntm readiness`` on the bundled Hà Tĩnh sample.

The sample's values are synthetic and its threshold sheet illustrative; the
tests use them because they fill every threshold, so a single failing
criterion can be isolated.
"""

import csv
import datetime as dt
import io
import json

import pytest

from ntm_core import RuleLevel
from ntm_core._core import tables
from ntm_core.cli import build_parser, main
from ntm_core.datasets import HA_TINH_DIR
from ntm_core.engine import Ladder, assess
from ntm_core.rules import Rulebook

ON = "2024-12-31"
SHEET = str(HA_TINH_DIR / "sample-thresholds.csv")
BOOK = Rulebook.bundled().with_thresholds(SHEET)
LADDER = Ladder.for_level(BOOK, level=RuleLevel.COMMUNE, on=dt.date(2024, 12, 31), scope="ha-tinh")
KEYS = set(LADDER.catalog().indicators)


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def commune_rows(period="2024"):
    """The sample's commune rows and columns, with the region every Hà Tĩnh commune is in."""
    with (HA_TINH_DIR / "sample-observations.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = ["unit_code", "period", *[c for c in reader.fieldnames if c in KEYS]]
        rows = [
            {"region": "BTB", **{c: r[c] for c in columns}}
            for r in reader
            if len(r["unit_code"]) == 5 and r["period"] == period
        ]
    return ["region", *columns], rows


def write(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def communes(tmp_path):
    columns, rows = commune_rows()
    return write(tmp_path / "communes.csv", columns, rows)


def standard_commune(path):
    code, out = run(
        "assess", path, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET, "--format", "json"
    )
    assert code == 0
    return next(u for u in json.loads(out) if u["tier"] == "standard")


def test_assess_json_contract(communes):
    code, out = run(
        "assess",
        communes,
        "--on",
        ON,
        "--scope",
        "ha-tinh",
        "--thresholds",
        SHEET,
        "--format",
        "json",
    )
    assert code == 0
    units = json.loads(out)
    assert len(units) == 182
    for unit in units:
        assert {"unit", "tier", "outcome", "criteria_met", "criteria", "missing"} <= set(unit)
        assert unit["tier"] in {"not_yet", "standard", "advanced", "model", "unknown"}
        assert all(
            c["outcome"] in {"met", "not_met", "unknown", "not_applicable"}
            for c in unit["criteria"]
        )
        assert len(unit["criteria"]) == 20  # 19 national criteria + Hà Tĩnh's criterion 20
    assert all(
        u["criteria_met"] == 20 for u in units
    )  # every sample commune is at standard in 2024


def test_assess_table_and_csv(communes):
    code, out = run("assess", communes, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET)
    assert code == 0
    assert out.splitlines()[0].split() == [
        "UNIT",
        "NAME",
        "PERIOD",
        "TIER",
        "CRITERIA",
        "MET",
        "MISSING",
    ]
    assert "182 units under" in out
    code, out = run(
        "assess",
        communes,
        "--on",
        ON,
        "--scope",
        "ha-tinh",
        "--thresholds",
        SHEET,
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 182
    assert rows[0]["10"] == "met"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_assess_streams_in_chunks_with_the_same_bytes(communes, monkeypatch, fmt):
    """Output written chunk by chunk (one write per chunk) equals the output written whole."""
    from ntm_core.engine import _batch_views

    argv = ("assess", communes, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET)
    whole = run(*argv, "--format", fmt)
    monkeypatch.setattr(_batch_views, "CHUNK", 5)

    class Writes(io.StringIO):
        count = 0

        def write(self, text):
            self.count += 1
            return super().write(text)

    out = Writes()
    assert main([*argv, "--format", fmt], out=out) == 0
    assert (0, out.getvalue()) == whole
    assert len(json.loads(out.getvalue()) if fmt == "json" else out.getvalue().splitlines()) in {
        182,
        183,
    }
    assert 182 / 5 <= out.count <= 182 / 5 + 3  # one write per chunk, not per unit or token


def test_assess_output_is_what_the_stdlib_writers_write(tmp_path):
    """The column-wise CSV and JSON renderers agree with the one CSV writer and ``json.dumps``."""
    from ntm_core.cli import _assess

    columns, rows = commune_rows()
    names = ["Xã A, B", 'Xã "Q"', "line\nbreak", "cr\rx", "", "Xã Đông", " lead"]
    for i, row in enumerate(rows):
        row["name"] = names[i % len(names)]
        if i % 3 == 0:
            row[columns[3]] = ""  # a missing value
    path = write(tmp_path / "named.csv", [*columns, "name"], rows)
    argv = ("assess", path, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET)
    args = build_parser().parse_args([*argv, "--format", "json"])
    book, observations = _assess._load_inputs(args)
    result = assess(observations, on=args.on, level=args.level, rulebook=book, scope="ha-tinh")
    summaries = result.to_records()
    assert any(s["missing"] for s in summaries)
    assert all(s["criteria"] for s in summaries)
    code, out = run(*argv, "--format", "json")
    assert out == json.dumps(summaries, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(out) == summaries
    codes = [c.code for c in result.ladder.rungs[0].criteria]
    header = ["unit", "name", "period", "tier", "outcome", "criteria_met", "missing", *codes]
    table = []
    for item in summaries:
        outcomes = {c["code"]: c["outcome"] for c in item["criteria"]}
        table.append(
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
    # The one CSV writer: what csv.writer writes, except that a bare CR is quoted (csv.writer
    # leaves it bare with "\n" line ends, which splits the row) and formulas are neutralised.
    expected_text = tables.csv_text(header, table)
    plain = io.StringIO()
    csv.writer(plain, lineterminator="\n").writerows([header, *table])
    assert expected_text.replace('"cr\rx"', "cr\rx") == plain.getvalue()
    code, out = run(*argv, "--format", "csv")
    assert (code, out) == (0, expected_text)
    assert result.to_csv() == out


def test_assess_of_no_unit_writes_an_empty_list(tmp_path):
    columns, rows = commune_rows()
    rows = [{**row, "level": "ward"} for row in rows[:2]]  # no unit graded at commune level
    path = write(tmp_path / "none.csv", [*columns, "level"], rows)
    argv = ("assess", path, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET)
    code, out = run(*argv, "--format", "json")
    assert (code, out) == (0, "[]\n")
    code, out = run(*argv, "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("unit,name,period,tier")


def test_explain_one_vnd_under_the_income_threshold(tmp_path, communes):
    """Criterion 10: income 1 VND/person/year under the threshold, everything else met."""
    target = standard_commune(communes)["unit"]
    columns, rows = commune_rows()
    for row in rows:
        if row["unit_code"] == target:
            row["income_per_capita"] = (
                "48999999 đồng/người/năm"  # the illustrative 2024 level is 49 million
            )
    path = write(tmp_path / "one.csv", columns, rows)
    code, out = run(
        "explain", path, "--unit", target, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET
    )
    assert code == 0
    assert "Tier: not yet at standard — 19/20 criteria met" in out
    assert "✗ 10. Income: not met" in out
    assert "short by 0.000001 million VND/person/year" in out
    assert ">= 49 million VND/person/year" in out
    assert "illustrative (ntm_core Hà Tĩnh sample)" in out
    code, out = run(
        "explain",
        path,
        "--unit",
        target,
        "--on",
        ON,
        "--scope",
        "ha-tinh",
        "--thresholds",
        SHEET,
        "--lang",
        "vi",
    )
    assert "✗ 10. Thu nhập: chưa đạt" in out
    assert "còn thiếu 0,000001" in out


def test_explain_with_income_missing_is_unknown(tmp_path, communes):
    target = standard_commune(communes)["unit"]
    columns, rows = commune_rows()
    for row in rows:
        if row["unit_code"] == target:
            row["income_per_capita"] = ""
    path = write(tmp_path / "missing.csv", columns, rows)
    code, out = run(
        "explain",
        path,
        "--unit",
        target,
        "--on",
        ON,
        "--scope",
        "ha-tinh",
        "--thresholds",
        SHEET,
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["tier"] == "unknown"
    assert data["outcome"] == "unknown"
    assert data["missing"] == ["income_per_capita"]


def test_bad_input_exits_1_naming_file_row_column(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("unit_code,period,income_per_capita\n18100,2024,45 km\n", encoding="utf-8")
    code, _ = run("assess", str(path), "--on", ON)
    assert code == 1
    err = capsys.readouterr().err
    assert str(path) in err
    assert "row 2" in err
    assert "income_per_capita" in err
    assert "Traceback" not in err


def test_unknown_unit_and_period(communes, capsys):
    code, _ = run("explain", communes, "--unit", "99999", "--on", ON, "--scope", "ha-tinh")
    assert code == 1
    assert "no observations for unit '99999'" in capsys.readouterr().err
    code, _ = run("assess", communes, "--on", ON, "--period", "2019", "--scope", "ha-tinh")
    assert code == 1
    assert "no observations for period 2019" in capsys.readouterr().err


def test_readiness_on_the_bundled_sample():
    code, out = run("readiness", "--on", ON, "--target", "2025")
    assert code == 0
    assert "SYNTHETIC" in out
    assert "Tỉnh Hà Tĩnh (42) — readiness for 2025" in out
    assert "Province: NTM task not yet completed — 6 of 8 conditions met" in out
    assert "→ 4 more communes at advanced" in out
    assert "Target 2022" not in out  # --target 2025 selects 2025's targets
    assert len(out.splitlines()) <= 50  # fits a screen, with the year's results
    code, out = run("readiness", "--on", ON, "--target", "2022")
    assert "Target 2022: New communes at standard: 5 / ≥5 ✓" in out
    # 2021 was judged under Decision 1980, which has no advanced rung: no increase to count
    assert "Target 2022: New communes at advanced: no data" in out


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_readiness_formats_carry_the_whole_report(fmt):
    code, out = run("readiness", "--on", ON, "--target", "2025", "--format", fmt)
    assert code == 0
    if fmt == "json":
        data = json.loads(out)
        assert data["schema"] == "ntm_core.readiness/1"
        assert data["communes"]["total"] == 182
        assert data["conditions"][3]["gap"] == "4 more communes at advanced"
        assert len(data["levels"]["commune"]) == 182
    elif fmt == "md":
        assert out.startswith("# Tỉnh Hà Tĩnh — NTM readiness")
        assert "## Province conditions" in out
        assert "| 442 | Huyện Nghi Xuân |" in out  # communes per district, with average criteria
    else:
        assert out.startswith("<!DOCTYPE html>")
        assert "<table>" in out
        assert "<h3>Communes per district</h3>" in out


def test_readiness_for_another_province_needs_data(capsys):
    code, _ = run("readiness", "--province", "01", "--on", ON)
    assert code == 1
    assert "covers Hà Tĩnh" in capsys.readouterr().err


def test_assess_keeps_only_units_of_the_level_asked(tmp_path):
    columns, rows = commune_rows()
    rows = rows[:3]
    rows[0] = {**rows[0], "level": "ward"}
    rows[1] = {**rows[1], "level": "xã"}
    path = write(tmp_path / "levels.csv", [*columns, "level"], rows)
    code, out = run(
        "assess", path, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET, "--format", "json"
    )
    assert code == 0
    assert [u["unit"] for u in json.loads(out)] == [rows[1]["unit_code"], rows[2]["unit_code"]]


def test_assess_rejects_an_unknown_level(tmp_path, capsys):
    columns, rows = commune_rows()
    rows = [{**rows[0], "level": "galaxy"}]
    path = write(tmp_path / "levels.csv", [*columns, "level"], rows)
    code, _ = run("assess", path, "--on", ON, "--scope", "ha-tinh")
    assert code == 1
    assert "column 'level': unit" in capsys.readouterr().err


def test_readiness_with_data_and_a_units_file_matches_the_sample():
    code, out = run(
        "readiness",
        str(HA_TINH_DIR / "sample-observations.csv"),
        "--on",
        ON,
        "--target",
        "2025",
        "--units",
        str(HA_TINH_DIR / "units.csv"),
        "--thresholds",
        SHEET,
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["communes"]["total"] == 182
    assert data["conditions"][3]["gap"] == "4 more communes at advanced"


def test_assess_csv_neutralises_formula_names(tmp_path):
    """Issue 14.4: a unit name like ``=HYPERLINK(...)`` was written raw into CSV output."""
    columns, rows = commune_rows()
    rows = rows[:2]
    rows[0]["name"] = '=HYPERLINK("http://evil","x")'
    rows[1]["name"] = "@SUM(A1)"
    path = write(tmp_path / "hostile.csv", ["name", *columns], rows)
    code, out = run(
        "assess", path, "--on", ON, "--scope", "ha-tinh", "--thresholds", SHEET, "--format", "csv"
    )
    assert code == 0
    names = [record["name"] for record in csv.DictReader(io.StringIO(out))]
    assert names == ['\'=HYPERLINK("http://evil","x")', "'@SUM(A1)"]
