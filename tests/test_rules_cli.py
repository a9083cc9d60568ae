"""``ntm rules list|show|diff|template``: the command-line contract of the rulebook."""

import io
import json

import pytest

from ntm_core.cli import main


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_list_shows_editions_and_provenance_counts():
    code, out = run("rules", "list")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[:5] == ["RULE", "SET", "EDITION", "VALID", "FROM"]
    assert "VERIFIED" in header
    assert "UNVERIFIED" in header
    standard = [r.split() for r in rows if r.startswith("vn.commune.standard ")]
    assert [r[1] for r in standard] == ["2016-2020", "2021-2025", "2021-2025+211", "2026-2030"]


def test_show_json_of_318_for_btb_lists_19_criteria_with_citations():
    code, out = run(
        "rules", "show", "vn.commune.standard@2021-2025", "--region", "BTB", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert {"key", "edition", "valid_from", "valid_to", "instrument", "criteria"} <= set(data)
    assert data["instrument"]["number"] == "318/QĐ-TTg"
    assert len(data["criteria"]) == 19
    assert data["criteria"][9]["name_vi"] == "Thu nhập"
    for criterion in data["criteria"]:
        assert {"code", "name_vi", "name_en", "indicators"} <= set(criterion)
        for indicator in criterion["indicators"]:
            assert {
                "key",
                "code",
                "name_vi",
                "name_en",
                "kind",
                "unit",
                "comparator",
                "thresholds",
            } <= set(indicator)
            assert indicator["kind"] in {"numeric", "ratio", "boolean"}
            assert indicator["comparator"] in {">=", "<=", ">", "<", "=="}
            for threshold in indicator["thresholds"]:
                assert threshold["citation"]["number"]
                assert threshold["provenance"] in {
                    "verified",
                    "secondary",
                    "unverified",
                    "illustrative",
                }
                assert threshold.get("region", "BTB") == "BTB"


def test_show_with_on_resolves_the_edition_of_the_period_in_force():
    code, out = run(
        "rules", "show", "vn.commune.standard@2021-2025", "--on", "2025-01-01", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["edition"] == "2021-2025+211"


def test_show_table_marks_unknown_thresholds():
    code, out = run("rules", "show", "vn.commune.standard@2021-2025", "--region", "BTB")
    assert code == 0
    assert "Thu nhập (Income)" in out
    assert "threshold unknown" in out


def test_diff_shows_renamed_criteria():
    code, out = run(
        "rules", "diff", "vn.commune.standard@2016-2020", "vn.commune.standard@2021-2025"
    )
    assert code == 0
    assert "~ criterion 11 renamed: Hộ nghèo → Nghèo đa chiều" in out
    for code_ in ("3", "12", "13"):
        assert f"~ criterion {code_} renamed" in out


def test_template_to_stdout_and_file(tmp_path):
    code, out = run("rules", "template", "vn.commune.standard@2021-2025", "--region", "BTB")
    assert code == 0
    assert out.splitlines()[0].startswith(
        "ruleset,criterion,indicator,code,name_vi,unit,comparator"
    )
    target = tmp_path / "sheet.csv"
    code, out = run(
        "rules", "template", "vn.commune.standard@2021-2025", "--region", "BTB", "-o", str(target)
    )
    assert code == 0
    assert target.exists()
    assert out.startswith("wrote ")


def test_template_refuses_an_existing_file_without_force(tmp_path, capsys):
    """Issue 14.3: ``-o EXISTING`` overwrote the file without a word."""
    target = tmp_path / "sheet.csv"
    target.write_text("my filled sheet", encoding="utf-8")
    spec = "vn.commune.standard@2021-2025"
    code, _ = run("rules", "template", spec, "-o", str(target))
    assert code == 2  # a usage error: the CLI checks -o before any work
    assert f"{target} exists; pass --force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "my filled sheet"
    code, _ = run("rules", "template", spec, "-o", str(target), "--force")
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("ruleset,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.csv"]


def test_template_dash_is_stdout_and_a_contradicting_suffix_is_refused(tmp_path, capsys):
    spec = "vn.commune.standard@2021-2025"
    code, out = run("rules", "template", spec, "-o", "-")
    assert code == 0
    assert out.startswith("ruleset,")
    code, _ = run("rules", "template", spec, "-o", str(tmp_path / "sheet.json"))
    assert code == 1
    assert "the suffix '.json' is for json files" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_thresholds_option_layers_a_sheet(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "ruleset,indicator,region,value,citation_number,citation_date,provenance\n"
        "vn.commune.standard@2021-2025,income_per_capita,BTB,44,318/QĐ-TTg,2022-03-08,verified\n",
        encoding="utf-8",
    )
    code, out = run(
        "rules", "show", "vn.commune.standard@2021-2025", "--region", "BTB", "--format", "json",
        "--thresholds", str(sheet),
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    income = next(
        i for c in data["criteria"] for i in c["indicators"] if i["key"] == "income_per_capita"
    )
    assert [t["value"] for t in income["thresholds"]] == [
        "44"
    ]  # exact text, as in assessment JSON (issue 9)
    assert data["overlays"] == [str(sheet)]


def test_bad_sheet_exits_1_naming_row_and_column(tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "ruleset,indicator,value,citation_number,provenance\n"
        "vn.commune.standard@2021-2025,income_per_capita,45 km,318/QĐ-TTg,verified\n",
        encoding="utf-8",
    )
    code, _ = run("rules", "list", "--thresholds", str(sheet))
    assert code == 1
    err = capsys.readouterr().err
    assert f"{sheet}, row 2, column 'value'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ("rules", "show", "vn.commune.nope@2021-2025"),
        ("rules", "show", "vn.commune.standard@1999"),
        ("rules", "show", "vn.commune.standard@2021-2025", "--region", "Mars"),
        ("rules", "show", "vn.commune.standard@2021-2025", "--on", "2025-13-01"),
        ("rules",),
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    code, _ = run(*argv)
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_date_outside_every_edition_exits_1(capsys):
    code, _ = run("rules", "show", "vn.commune.standard@2021-2025", "--on", "2030-01-01")
    assert code == 1
    assert (
        "no edition of 'vn.commune.standard' is in force on 2030-01-01" in capsys.readouterr().err
    )


def test_rules_show_json_writes_exact_text_like_assessment_json():
    """Issue 9: ``rules show`` JSON wrote floats (0.1 became 0.1000000000000000055...)."""
    code, out = run("rules", "show", "vn.ocop.rating@2023", "--format", "json")
    assert code == 0
    values = [s["min_score"] for s in json.loads(out)["ocop"]["stars"]]
    assert values
    assert all(isinstance(v, str) for v in values)
