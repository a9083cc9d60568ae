"""Generate the bundled Hà Tĩnh sample: SYNTHETIC indicator values on real unit codes.

Run from the repository root:  python scripts/make_ha_tinh_sample.py

Writes into src/ntm_core/datasets/ha_tinh/:

- ``sample-observations.csv`` — SYNTHETIC values, periods 2021–2024, for the
  182 communes (xã), 13 district-level units and the province of the
  2020–2024 state (real GSO codes and names), in the wide layout.
- ``sample-thresholds.csv`` — an ILLUSTRATIVE threshold sheet filling, for
  region BTB, every threshold the bundled national rules do not know yet (and
  nothing they know, at any provenance). Provenance ``illustrative``: these are
  not legal facts. ``--thresholds-only`` rewrites just this file.
- ``recognitions.csv`` — district recognition decisions the legal facts mark
  as verified (V): Nghi Xuân 2018, Can Lộc 2019, Hương Sơn 2020.
- ``targets.toml`` — Hà Tĩnh's plan targets for 2022 and 2025 (April 2022 notice).

Calibration (public figures in shared/domain/, see docs): every commune at
standard by 2024 (the last two in Hương Khê, Hà Linh and Điền Mỹ); 2 communes
reach standard in 2021 (Kỳ Lạc, Kỳ Tây) and 4 more in 2022 (Phúc Đồng, Hòa Hải,
Hương Bình, Hương Thủy); 25 communes reach advanced in 2021 and 1 reaches model;
69 communes at advanced or model and 18 at model by 2024; districts follow their
recognition years (Nghi Xuân 2018, Can Lộc 2019, Hương Sơn 2020, Vũ Quang and
Cẩm Xuyên 2021, Kỳ Anh 2023; Hương Khê last). Which commune reaches which tier in
which year, and every indicator value, is drawn from a seeded generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import unicodedata
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ntm_core import Region, RuleLevel, Tier  # noqa: E402
from ntm_core.engine import Ladder  # noqa: E402
from ntm_core.rules import (  # noqa: E402
    Comparator,
    IndicatorKind,
    Rulebook,
    Selection,
    SelectorKind,
    template_rows,
)

OUT = ROOT / "src" / "ntm_core" / "datasets" / "ha_tinh"
SEED = 42_2022
PERIODS = (2021, 2022, 2023, 2024)
REPORT_DATES = (dt.date(2022, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 6, 30))
PROVINCE = "42"
TODAY_STATE = dt.date(2024, 6, 1)

# Illustrative income levels (million VND per person per year) for BTB, per
# assessment year; advanced is 10% above standard here. NOT legal facts.
ILLUSTRATIVE_INCOME = {2021: 41, 2022: 43, 2023: 46, 2024: 49, 2025: 52}
ILLUSTRATIVE_ADVANCED_INCOME = {y: round(v * 1.1) for y, v in ILLUSTRATIVE_INCOME.items()}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def load_units() -> list[dict[str, str]]:
    with (OUT / "units.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        start = dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else dt.date.min
        end = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else dt.date.max
        if start <= TODAY_STATE < end:
            out.append(row)
    return out


def ladder_editions(book: Rulebook) -> list:
    editions = {}
    for on in REPORT_DATES:
        for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE):
            for scope in ("ha-tinh", "vn"):
                try:
                    ladder = Ladder.for_level(book, level=level, on=on, scope=scope)
                except Exception:  # noqa: BLE001 - a level without rules on that date is skipped
                    continue
                for edition in ladder.rungs:
                    editions[edition.id] = edition
    return list(editions.values())


def illustrative_value(indicator, tier: Tier | None) -> str:
    if indicator.kind is IndicatorKind.BOOLEAN:
        return "true"
    if indicator.comparator in (Comparator.LE, Comparator.LT):
        return "10" if tier in (None, Tier.STANDARD, Tier.TASK_COMPLETED) else "8"
    if indicator.aggregate is not None:
        return {"advanced": "30", "model": "10"}.get(indicator.aggregate.tier.value, "100")
    unit = indicator.unit or ""
    if unit == "percent":
        return "80" if tier in (None, Tier.STANDARD, Tier.TASK_COMPLETED) else "90"
    return "60"


def write_thresholds(book: Rulebook) -> Path:
    path = OUT / "sample-thresholds.csv"
    rows = []
    for edition in ladder_editions(book):
        for row in template_rows(edition, region=Region.BTB):
            wanted = "BTB" if edition.selector is SelectorKind.REGION else ""
            if row["value"] or row["region"] != wanted:
                continue
            indicator = edition.indicator(row["indicator"])
            # Fill only what nobody knows: an illustrative value never stands in for a
            # value the rules have for BTB, whatever its provenance (issue 13, item 5).
            if any(
                (t.value is not None or t.relative_to is not None)
                and t.region in (None, Region.BTB)
                and t.group is None
                for t in indicator.thresholds
            ):
                continue
            common = {
                "citation_number": "illustrative (ntm_core Hà Tĩnh sample)",
                "provenance": "illustrative",
                "note": "ILLUSTRATIVE value for the synthetic sample; not a legal threshold",
            }
            if indicator.key == "income_per_capita":
                levels = (
                    ILLUSTRATIVE_ADVANCED_INCOME
                    if edition.tier is Tier.ADVANCED
                    else ILLUSTRATIVE_INCOME
                )
                for year, value in levels.items():
                    rows.append({**row, "year": str(year), "value": str(value), **common})
                continue
            rows.append({**row, "value": illustrative_value(indicator, edition.tier), **common})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# ----------------------------------------------------------------- trajectories

NAMED_STANDARD = {  # commune name → first period at standard (facts: 2021 and batch 1/2022 recognitions)
    "Xã Kỳ Lạc": 2021,
    "Xã Kỳ Tây": 2021,
    "Xã Phúc Đồng": 2022,
    "Xã Hòa Hải": 2022,
    "Xã Hương Bình": 2022,
    "Xã Hương Thủy": 2022,
    "Xã Hà Linh": 2024,
    "Xã Điền Mỹ": 2024,
}
NAMED_MODEL = {"Xã Tượng Sơn": 2021, "Xã Tùng Ảnh": 2020, "Xã Hương Trà": 2020}
ADVANCED_PER_YEAR = {2020: 12, 2021: 25, 2022: 15, 2023: 10, 2024: 7}  # cumulative 69 by 2024
MODEL_PER_YEAR = {2020: 2, 2021: 1, 2022: 4, 2023: 5, 2024: 6}  # cumulative 18 by 2024
DISTRICT_STANDARD = {
    "442": 2018,
    "443": 2019,
    "439": 2020,
    "440": 2020,
    "445": 2020,
    "441": 2021,
    "446": 2021,
    "448": 2021,
    "447": 2023,
    "444": 2024,
}
DISTRICT_ADVANCED = {"442": 2023, "440": 2024}
TOWN_COMPLETED = {"436": 2020, "437": 2020, "449": 2022}


def commune_tiers(communes: list[dict[str, str]], rng: random.Random) -> dict[str, dict[int, Tier]]:
    """The tier of every commune in every period (cumulative, never backsliding)."""
    standard_year: dict[str, int] = {}
    for unit in communes:
        named = NAMED_STANDARD.get(nfc(unit["name"]))
        if named is not None:
            standard_year[unit["code"]] = named
        elif unit["parent_code"] == "447":  # Kỳ Anh district: recognised 2023
            standard_year[unit["code"]] = rng.choice([2022, 2023]) if rng.random() < 0.2 else 2019
        elif unit["parent_code"] == "444":  # Hương Khê: 16/20 by mid-2022
            standard_year[unit["code"]] = 2023 if rng.random() < 0.15 else 2019
        else:
            standard_year[unit["code"]] = rng.choice([2014, 2016, 2018, 2019, 2020])
    eligible = sorted(standard_year, key=lambda c: (standard_year[c], rng.random()))
    advanced_year: dict[str, int] = {}
    model_year: dict[str, int] = {}
    for unit in communes:
        named = NAMED_MODEL.get(nfc(unit["name"]))
        if named is not None:
            model_year[unit["code"]] = named
            advanced_year[unit["code"]] = named - 1
    pool = [c for c in eligible if c not in advanced_year and standard_year[c] <= 2020]
    rng.shuffle(pool)
    for year, count in ADVANCED_PER_YEAR.items():
        already = sum(1 for y in advanced_year.values() if y == year)
        for _ in range(max(count - already, 0)):
            advanced_year[pool.pop()] = year
    pool = [c for c, y in advanced_year.items() if c not in model_year]
    rng.shuffle(pool)
    for year, count in MODEL_PER_YEAR.items():
        already = sum(1 for y in model_year.values() if y == year)
        for _ in range(max(count - already, 0)):
            code = next(c for c in pool if advanced_year[c] < year)
            pool.remove(code)
            model_year[code] = year
    out: dict[str, dict[int, Tier]] = {}
    for code in standard_year:
        out[code] = {}
        for period in PERIODS:
            tier = Tier.NOT_YET
            if standard_year[code] <= period:
                tier = Tier.STANDARD
            if advanced_year.get(code, 9999) <= period:
                tier = Tier.ADVANCED
            if model_year.get(code, 9999) <= period:
                tier = Tier.MODEL
            out[code][period] = tier
    return out


def level_tier(first: dict[str, int], code: str, period: int, reached: Tier) -> Tier:
    return reached if first.get(code, 9999) <= period else Tier.NOT_YET


# ----------------------------------------------------------------- values


def fmt(value: Fraction) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def values_for(
    ladder: Ladder, selection: Selection, tier: Tier, rng: random.Random
) -> dict[str, str]:
    """Values meeting every rung up to ``tier`` and failing 1–3 criteria of the next rung."""
    rungs = list(ladder.rungs)
    reached = ladder.tiers.index(tier) + 1 if tier in ladder.tiers else 0
    bounds: dict[str, dict[str, Fraction | bool]] = {}
    kinds = {}
    for position, edition in enumerate(rungs):
        thresholds = ladder.thresholds(edition, selection)
        for _, indicator in edition.indicators():
            kinds[indicator.key] = indicator
            threshold = thresholds[indicator.key]
            if threshold is None or threshold.value is None:
                continue
            entry = bounds.setdefault(indicator.key, {})
            side = "pass" if position < reached else ("next" if position == reached else "above")
            value = threshold.value
            if isinstance(value, bool):
                entry[side] = value
                continue
            if indicator.comparator in (Comparator.GE, Comparator.GT):
                entry[side] = max(entry.get(side, value), value)  # type: ignore[type-var]
            else:
                entry[side] = min(entry.get(side, value), value)  # type: ignore[type-var]
    failing: set[str] = set()
    if reached < len(rungs):
        edition = rungs[reached]
        candidates = []
        for criterion in edition.criteria:
            keys = [
                i.key
                for i in criterion.indicators
                if i.aggregate is None and "next" in bounds.get(i.key, {})
            ]
            keys = [k for k in keys if _can_fail(kinds[k], bounds[k])]
            if keys:
                candidates.append(rng.choice(keys))
        rng.shuffle(candidates)
        weights = [1, 1, 1, 2, 2, 3] if tier is not Tier.NOT_YET else [1, 1, 2, 2, 3, 4]
        failing = set(candidates[: rng.choice(weights)])
    out = {}
    for key, indicator in kinds.items():
        if indicator.aggregate is not None:
            continue
        entry = bounds.get(key, {})
        out[key] = _draw(indicator, entry, key in failing, rng)
    return out


def _can_fail(indicator, entry) -> bool:
    if indicator.kind is IndicatorKind.BOOLEAN:
        return entry.get("next") is True and "pass" not in entry
    nxt, low = entry.get("next"), entry.get("pass")
    if low is None:
        return True
    up = indicator.comparator in (Comparator.GE, Comparator.GT)
    return nxt > low if up else nxt < low


def _draw(indicator, entry, fail: bool, rng: random.Random) -> str:
    if indicator.kind is IndicatorKind.BOOLEAN:
        return "Đạt" if not fail else "Không đạt"
    up = indicator.comparator in (Comparator.GE, Comparator.GT)
    cap = Fraction(100) if indicator.kind is IndicatorKind.RATIO else None
    if fail:
        nxt = Fraction(entry["next"])
        low = entry.get("pass")
        if up:
            floor = Fraction(low) if low is not None else nxt * Fraction(8, 10)
            value = floor + (nxt - floor) * Fraction(rng.randint(0, 80), 100)
            value = min(value, nxt - Fraction(1, 100))
        else:
            ceiling = Fraction(low) if low is not None else nxt * Fraction(12, 10)
            value = nxt + (ceiling - nxt) * Fraction(rng.randint(20, 100), 100)
            value = max(value, nxt + Fraction(1, 100))
        return fmt(value)
    target = entry.get("pass")
    if target is None:
        target = entry.get("next")
    if target is None:
        target = Fraction(80) if indicator.kind is IndicatorKind.RATIO else Fraction(50)
    target = Fraction(target)
    if up:
        value = target + abs(target) * Fraction(rng.randint(1, 15), 100) + Fraction(1, 100)
    else:
        value = target * Fraction(rng.randint(40, 95), 100)
    if cap is not None:
        value = min(value, cap)
    if up and indicator.comparator is Comparator.GT and value <= target:
        value = target + Fraction(1, 100)
    return fmt(value)


def write_observations(book: Rulebook) -> None:
    rng = random.Random(SEED)
    units = load_units()
    communes = [u for u in units if u["level"] == "commune"]
    districts = [u for u in units if u["level"] in ("district", "city", "town")]
    tiers = commune_tiers(communes, rng)
    on = REPORT_DATES[1]
    ladders = {
        level: Ladder.for_level(book, level=level, on=on, scope="ha-tinh")
        for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE)
    }
    rows: list[dict[str, str]] = []
    columns: dict[str, None] = {}
    for period in PERIODS:
        selection = Selection(region=Region.BTB, year=period)
        for unit in communes:
            values = values_for(
                ladders[RuleLevel.COMMUNE], selection, tiers[unit["code"]][period], rng
            )
            rows.append({"unit_code": unit["code"], "period": str(period), **values})
            columns.update(dict.fromkeys(values))
        for unit in districts:
            if unit["level"] == "district":
                ladder = ladders[RuleLevel.DISTRICT]
                tier = level_tier(DISTRICT_STANDARD, unit["code"], period, Tier.STANDARD)
                if DISTRICT_ADVANCED.get(unit["code"], 9999) <= period:
                    tier = Tier.ADVANCED
            else:
                ladder = ladders[RuleLevel.TOWN]
                tier = level_tier(TOWN_COMPLETED, unit["code"], period, Tier.TASK_COMPLETED)
            values = values_for(ladder, selection, tier, rng)
            if tier is not Tier.NOT_YET:  # a recognised district's own criteria hold
                values = values_for(ladder, selection, tier, random.Random(SEED))
            rows.append({"unit_code": unit["code"], "period": str(period), **values})
            columns.update(dict.fromkeys(values))
        reached = Tier.TASK_COMPLETED if period >= 2025 else Tier.NOT_YET
        values = values_for(
            ladders[RuleLevel.PROVINCE], selection, reached, random.Random(SEED + period)
        )
        # The province's own conditions: project adopted from 2021; satisfaction rises to 91% in 2024.
        values.update(
            provincial_project_adopted="Đạt",
            roadside_trees_share=str(64 + 3 * (period - 2021)),
            green_land_per_person=fmt(Fraction(38 + 2 * (period - 2021), 10)),
            satisfaction_provincial_services=str(85 + 2 * (period - 2021)),
        )
        rows.append({"unit_code": PROVINCE, "period": str(period), **values})
        columns.update(dict.fromkeys(values))
    path = OUT / "sample-observations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["unit_code", "period", *columns], restval="")
        writer.writeheader()
        writer.writerows(rows)


def write_recognitions() -> None:
    rows = [
        # Verified in shared/domain/ntm-facts.md §9.2 (V): decision numbers and dates.
        ("442", "standard", "1709/QĐ-TTg", "2018-12-10", "2018"),
        ("443", "standard", "1405/QĐ-TTg", "2019-10-17", "2019"),
        ("439", "standard", "525/QĐ-TTg", "2022-04-27", "2020"),
    ]
    with (OUT / "recognitions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_code", "tier", "decision", "decision_date", "assessment_year"])
        writer.writerows(rows)


TARGETS = """# Hà Tĩnh plan targets (provincial notice TB-UBND, April 2022; shared/domain/ha-tinh-notice-2022.md).
# "new" targets count units reaching the tier during the year.

[[targets]]
year = 2022
measure = "communes_standard"
minimum = 5
label_vi = "Số xã đạt chuẩn NTM mới"
label_en = "New communes at standard"
citation = { number = "TB-UBND tỉnh Hà Tĩnh (04/2022)", item = "nhiệm vụ 2022" }

[[targets]]
year = 2022
measure = "communes_advanced"
minimum = 15
label_vi = "Số xã đạt chuẩn NTM nâng cao mới"
label_en = "New communes at advanced"
citation = { number = "TB-UBND tỉnh Hà Tĩnh (04/2022)", item = "nhiệm vụ 2022" }

[[targets]]
year = 2022
measure = "communes_model"
minimum = 3
label_vi = "Số xã đạt chuẩn NTM kiểu mẫu mới"
label_en = "New communes at model"
citation = { number = "TB-UBND tỉnh Hà Tĩnh (04/2022)", item = "nhiệm vụ 2022" }

[[targets]]
year = 2022
measure = "districts_standard"
minimum = 1
label_vi = "Số huyện đạt chuẩn NTM mới"
label_en = "New districts at standard"
citation = { number = "TB-UBND tỉnh Hà Tĩnh (04/2022)", item = "nhiệm vụ 2022" }

[[targets]]
year = 2022
measure = "model_residential_areas"
minimum = 200
label_vi = "Số khu dân cư NTM kiểu mẫu mới"
label_en = "New model residential areas"
citation = { number = "TB-UBND tỉnh Hà Tĩnh (04/2022)", item = "nhiệm vụ 2022" }

[[targets]]
year = 2025
measure = "province_task_completed"
minimum = 1
label_vi = "Tỉnh đạt chuẩn NTM (hoàn thành nhiệm vụ xây dựng NTM)"
label_en = "The province completes the NTM task"
citation = { number = "TB-UBND tỉnh Hà Tĩnh (04/2022)", item = "mục tiêu 2025" }
"""


def main() -> None:
    base = Rulebook.bundled()
    sheet = write_thresholds(base)
    if "--thresholds-only" in sys.argv[1:]:
        print(f"wrote {sheet}")
        return
    book = base.with_thresholds(sheet)
    write_observations(book)
    write_recognitions()
    (OUT / "targets.toml").write_text(TARGETS, encoding="utf-8")
    print(f"wrote the Hà Tĩnh sample to {OUT}")


if __name__ == "__main__":
    main()
