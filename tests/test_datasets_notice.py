"""The bundled sample reproduces the published figures of Hà Tĩnh's notice of April 2022.

The sample's values are SYNTHETIC; what is pinned here is that the story they
tell for 2021 is the one the notice (``shared/domain/ha-tinh-notice-2022.txt``,
section I) publishes, and that 2022 reaches the targets it sets (section II.1).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ntm_core.cli import main
from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
from ntm_core.engine import IndicatorCatalog
from ntm_core.io import read_observations
from ntm_core.readiness import (
    YearResults,
    assess_province,
    read_recognitions,
    read_targets,
    year_results,
)
from ntm_core.rules import Rulebook


def _readiness_json(on: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["readiness", "--province", "42", "--on", on, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _measures(data: dict[str, object]) -> dict[str, dict[str, object]]:
    year = data["year_results"]
    assert isinstance(year, dict)
    return {m["measure"]: m for m in year["measures"]}


def test_the_2021_report_reproduces_the_notice(capsys):
    """The notice's 2021 results, as its own sentences give them.

    "… có thêm 02 huyện được Thủ tướng Chính phủ công nhận đạt chuẩn huyện nông thôn
    mới (Vũ Quang, Cẩm Xuyên), … 25 xã đạt chuẩn nông thôn mới nâng cao, 01 xã đạt
    chuẩn nông thôn mới kiểu mẫu, 02 xã đạt chuẩn nông thôn mới (Kỳ Lạc, Kỳ Tây), 236
    Khu dân cư đạt chuẩn." and "… có thêm 95 sản phẩm đạt chuẩn."
    (Thông báo …/TB-UBND tỉnh Hà Tĩnh, 4/2022, mục I.)
    """
    data = _readiness_json("2021-12-31", capsys)
    assert data["synthetic"] is True
    year = data["year_results"]
    assert isinstance(year, dict)
    assert (year["year"], year["previous"]) == (2021, 2020)
    got = _measures(data)
    assert got["districts_standard"]["recognised"] == 2
    assert got["districts_standard"]["recognised_units"] == ["441", "446"]  # Vũ Quang, Cẩm Xuyên
    assert got["districts_standard"]["computed_units"] == ["441", "446"]
    assert got["communes_advanced"]["recognised"] == 25
    assert got["communes_model"]["recognised"] == 1
    assert got["communes_standard"]["recognised_units"] == ["18793", "18850"]  # Kỳ Tây, Kỳ Lạc
    assert got["communes_standard"]["computed_units"] == ["18793", "18850"]
    assert got["model_residential_areas"]["recognised"] == 236
    assert got["ocop_certified"]["recognised"] == 95
    # No ladder decided advanced or model communes on 2021-12-31: 1980 has one tier, and
    # 691's model rung (in force) stands on a 2016-2020 advanced set no rule set gives.
    for measure in ("communes_advanced", "communes_model"):
        assert got[measure]["computed"] is None
        assert "have no rung for" in str(got[measure]["computed_note"])


def test_the_2022_report_meets_the_notices_targets(capsys):
    """The notice's targets for 2022, its section II.1.

    "Phấn đấu năm 2022: có ít nhất 5 xã đạt chuẩn, 15 xã đạt chuẩn NTM nâng cao, 3 xã
    đạt chuẩn NTM kiểu mẫu, 01 huyện đạt chuẩn NTM, 200 Khu dân cư NTM kiểu mẫu đạt
    chuẩn; tối thiểu 50 sản phẩm, dịch vụ được chứng nhận đạt chuẩn OCOP …"
    """
    got = _measures(_readiness_json("2022-12-31", capsys))
    wanted = {
        "communes_standard": 5,
        "communes_advanced": 15,
        "communes_model": 3,
        "districts_standard": 1,
        "model_residential_areas": 200,
    }
    for measure, minimum in wanted.items():
        assert got[measure]["target"] == minimum, measure
        assert got[measure]["recognised"] >= minimum, measure
    assert got["communes_standard"]["computed"] >= 5
    assert got["ocop_certified"]["recognised"] >= 50


def test_each_period_holds_the_indicators_in_force():
    """Decision 1980's indicators for 2020–2021; Decision 318's from 2022 (in force 2022-03-08)."""
    book = Rulebook.bundled()
    observations = read_observations(
        HA_TINH_DIR / "sample-observations.csv", catalog=IndicatorCatalog.from_editions(book)
    )
    assert sorted(set(observations.periods)) == [2020, 2021, 2022, 2023, 2024]

    def keys_on(day: dt.date) -> set[str]:
        return {
            i.key
            for e in book
            if e.valid_from <= day and (e.valid_to is None or day < e.valid_to)
            for _, i in e.indicators()
        }

    old_keys = keys_on(dt.date(2021, 12, 31)) - keys_on(dt.date(2022, 12, 31))
    new_keys = keys_on(dt.date(2022, 12, 31)) - keys_on(dt.date(2021, 12, 31))
    assert old_keys
    assert new_keys
    periods = observations.periods
    for key in old_keys:
        if key not in observations.columns:
            continue  # 691's model indicators: no ladder reaches that rung (see above)
        present = observations.columns[key].present
        assert {p for p, ok in zip(periods, present, strict=True) if ok} <= {2020, 2021}, key
    for key in new_keys:
        if key not in observations.columns:
            continue  # an aggregate, computed from the children
        present = observations.columns[key].present
        assert {p for p, ok in zip(periods, present, strict=True) if ok} <= {2022, 2023, 2024}


def test_recognitions_say_which_are_synthetic():
    """Only the decisions the facts verify carry real numbers; the rest are marked SYN-."""
    text = (HA_TINH_DIR / "recognitions.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    assert header[-1] == "provenance"
    verified = [line for line in text[1:] if line.endswith(",verified")]
    assert [line.split(",")[2] for line in verified] == [
        "1709/QĐ-TTg",
        "1405/QĐ-TTg",
        "525/QĐ-TTg",
    ]
    assert all(line.split(",")[2].startswith("SYN-") for line in text[1:] if line not in verified)
    areas = (HA_TINH_DIR / "residential-areas.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert all(line.startswith("SYN-KDC-") and "SYNTHETIC" in line for line in areas)


def test_year_results_in_python():
    """The public function on the sample, with and without the previous period."""
    book = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
    observations = read_observations(
        HA_TINH_DIR / "sample-observations.csv", catalog=IndicatorCatalog.from_editions(book)
    )
    recognitions = read_recognitions(HA_TINH_DIR / "recognitions.csv")

    def report(on: dt.date) -> object:
        return assess_province(
            observations,
            tree=ha_tinh_tree().as_of(on),
            province="42",
            on=on,
            rulebook=book,
            scope="ha-tinh",
            recognitions=recognitions,
        )

    now, before = report(dt.date(2023, 12, 31)), report(dt.date(2022, 12, 31))
    targets = read_targets(HA_TINH_DIR / "targets.toml")
    results = year_results(now, before, targets=targets)  # type: ignore[arg-type]
    assert isinstance(results, YearResults)
    assert results.year == 2023
    model = results.count("communes_model")
    assert model.computed == model.recognised == 5
    assert model.target is None  # targets are for 2022 and 2025
    assert "model_residential_areas" not in {c.measure for c in results.counts}
    alone = year_results(now)  # type: ignore[arg-type]
    assert alone.count("communes_model").computed is None
    assert alone.count("communes_model").computed_note == "no data for 2022"
    with pytest.raises(KeyError, match="no measure 'gardens'"):
        results.count("gardens")
    vi = results.lines(lang="vi")
    assert vi[0] == "Kết quả năm 2023 (tăng so với năm 2022):"
    assert any(line.startswith("  Xã đạt chuẩn NTM kiểu mẫu: công nhận +5") for line in vi)
    data = results.to_dict()
    assert data["schema"] == "ntm_core.year-results/1"
    assert data["unit_names"]["447"] == "Huyện Kỳ Anh"


def test_a_report_lists_the_overrides_the_rules_recorded(capsys, tmp_path, monkeypatch):
    """Item 5 of issue 13: each threshold a sheet replaced is listed, its sheet named as given."""
    monkeypatch.chdir(tmp_path)
    Path("mine.csv").write_text(
        "ruleset,indicator,region,value,citation_number,provenance,override\n"
        "ha-tinh.commune.standard@2021-2025,disaster_prevention_score,BTB,55,own,illustrative,yes\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    argv = ["readiness", "--on", "2022-12-31", "--thresholds", "mine.csv", "--format", "json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overridden_thresholds"] == [
        {
            "rule": "ha-tinh.commune.standard@2021-2025",
            "indicator": "disaster_prevention_score",
            "value": "55",
            "provenance": "illustrative",
            "origin": "mine.csv, row 2",
            "replaced": "50",
            "replaced_provenance": "secondary",
        }
    ]
    assert main(argv[:-2]) == 0
    assert "replacing 50 (secondary)" in capsys.readouterr().out


def test_outputs_name_the_bundled_sheet_by_its_place_in_the_package():
    """No machine-specific path: the golden outputs are compared on other machines."""
    from ntm_core.cli._common import SAMPLE_SHEET, sample_rulebook

    book = sample_rulebook(Rulebook.bundled())
    overlays = {o for edition in book for o in edition.overlays}
    assert overlays == {SAMPLE_SHEET} == {"ntm_core/datasets/ha_tinh/sample-thresholds.csv"}
    assert book.overrides == ()  # the sample's sheet fills only what the rules do not know


def test_no_increase_is_computed_while_tiers_are_open(capsys):
    """On 2025-12-31 the new communes have no data: the computed increase is not a zero."""
    got = _measures(_readiness_json("2025-12-31", capsys))
    assert got["communes_standard"]["computed"] is None
    assert "tiers are unknown: data missing" in str(got["communes_standard"]["computed_note"])
