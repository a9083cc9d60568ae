"""Generate the bundled Hà Tĩnh sample: SYNTHETIC values on real unit codes.

Run from the repository root:  python scripts/make_ha_tinh_sample.py

Deterministic: one seeded generator (``SEED``); re-running rewrites the files
byte for byte. Writes into src/ntm_core/datasets/ha_tinh/:

- ``sample-observations.csv`` — SYNTHETIC indicator values, periods 2020–2024,
  for the 182 communes (xã), 13 district-level units and the province of the
  2020–2024 state (real GSO codes and names), in the wide layout with the
  ``name``, ``level`` and ``region`` attributes. Each period holds the
  indicators of the rule sets in force on its last day: Decision 1980/QĐ-TTg
  (with Hà Tĩnh's criterion 20) and Decision 558/QĐ-TTg for 2020 and 2021;
  Decisions 318, 319, 320 and 321/QĐ-TTg for 2022 and 2023; their amendments
  by 211/QĐ-TTg for 2024. Cells of indicators not in force are empty.
- ``sample-thresholds.csv`` — an ILLUSTRATIVE threshold sheet filling, for
  region BTB, thresholds the bundled national rules do not know yet (and
  nothing they know, at any provenance). Provenance ``illustrative``: these are
  not legal facts. ``--thresholds-only`` rewrites just this file.
- ``recognitions.csv`` — recognition decisions: the three the legal facts mark
  verified (Nghi Xuân 2018, Can Lộc 2019, Hương Sơn 2020; ``provenance =
  verified``) and SYNTHETIC decisions (numbers ``SYN-…``, ``provenance =
  synthetic``) for every other tier a unit of the sample reaches.
- ``residential-areas.csv`` — SYNTHETIC recognitions of model residential areas
  (*khu dân cư NTM kiểu mẫu*, codes ``SYN-KDC-…``), in the same columns plus
  the commune each area belongs to.
- ``targets.toml`` — Hà Tĩnh's plan targets for 2022 and 2025 (April 2022 notice).

Design (shared/domain/ha-tinh-notice-2022.md, ntm-facts.md §9): the 2021 report
reproduces the notice's published increments — districts Vũ Quang (441) and
Cẩm Xuyên (446) recognised, 25 communes newly advanced, 1 newly model, Kỳ Lạc
(18850) and Kỳ Tây (18793) reaching standard, 236 model residential areas —
and 2022 meets the notice's 2022 targets (5 communes at standard, 15
advanced, 3 model, 1 district, 200 model residential areas). The OCOP part
(95 products certified in 2021) is made by ``scripts/make_ocop_sample.py``.
Every commune is at standard by 2024 (Hà Linh and Điền Mỹ last); 69 communes
advanced or model and 18 model by 2024. Which other commune reaches which tier
in which year, and every indicator value, is drawn from the seeded generator.
A unit's tier is counted in the year it is recognised *for* (đạt chuẩn năm X),
as the notice counts them.
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
from ntm_core.exceptions import RuleNotInForceError  # noqa: E402
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
PERIODS = (2020, 2021, 2022, 2023, 2024)
# Dates whose editions the illustrative sheet fills (the 2016–2020 editions need no fill).
REPORT_DATES = (dt.date(2022, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 6, 30))
PROVINCE = "42"
TODAY_STATE = dt.date(2024, 6, 1)
LEVELS = (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE)

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
        for level in LEVELS:
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
    rows.extend(income_rows_2021(book))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def income_rows_2021(book: Rulebook) -> list[dict[str, str]]:
    """Income for 2021 under the 2016–2020 commune sets, in force until 2022-03-08.

    Decision 1980 gives the BTB level for 2020 only (36, secondary); the 2021
    level is unknown (ntm-facts §7.1), so the sample fills it, illustratively,
    with the level it uses for 2021 under the 2021–2025 set. Nothing known is replaced.
    """
    rows = []
    for edition in book:
        if edition.key not in ("vn.commune.standard", "ha-tinh.commune.standard"):
            continue
        if edition.edition != "2016-2020":
            continue
        indicator = edition.indicator("income_per_capita")
        if any(t.year == 2021 and t.region in (None, Region.BTB) for t in indicator.thresholds):
            continue
        rows.extend(
            {
                **row,
                "year": "2021",
                "value": str(ILLUSTRATIVE_INCOME[2021]),
                "citation_number": "illustrative (ntm_core Hà Tĩnh sample)",
                "citation_date": "",
                "citation_annex": "",
                "citation_item": "",
                "provenance": "illustrative",
                "source": "",
                "note": "ILLUSTRATIVE value for the synthetic sample; not a legal threshold",
            }
            for row in template_rows(edition, region=Region.BTB)
            if (row["indicator"], row["region"], row["year"]) == (indicator.key, "BTB", "2020")
        )
    return rows


# ----------------------------------------------------------------- trajectories
# A year here is the assessment year a unit first meets (and is recognised for) a tier.

NAMED_STANDARD = {  # notice: Kỳ Lạc, Kỳ Tây in 2021; facts: batch 1/2022 and the last two (2024)
    "Xã Kỳ Lạc": 2021,
    "Xã Kỳ Tây": 2021,
    "Xã Phúc Đồng": 2022,
    "Xã Hòa Hải": 2022,
    "Xã Hương Bình": 2022,
    "Xã Hương Thủy": 2022,
    "Xã Hà Linh": 2024,
    "Xã Điền Mỹ": 2024,
}
# Facts: Tùng Ảnh and Hương Trà the first model communes (recognised January 2021, for 2020).
NAMED_MODEL = {"Xã Tượng Sơn": 2021, "Xã Tùng Ảnh": 2020, "Xã Hương Trà": 2020}
MODEL_DECISION_DAYS = {"Xã Tùng Ảnh": dt.date(2021, 1, 15), "Xã Hương Trà": dt.date(2021, 1, 15)}
# Not yet at standard at the end of 2020, beyond the named ones (district code → year → count):
# Kỳ Anh (447, recognised for 2023) and Hương Khê (444, 16/20 communes by mid-2022).
LATE_STANDARD = {"447": {2022: 1, 2023: 2}, "444": {2023: 2}}
EARLY_YEARS = (2014, 2016, 2018, 2019, 2020)
# New communes per year (2020: all before 2021). Notice: 25 advanced and 1 model in 2021;
# 2022 targets: 15 advanced, 3 model. Cumulative 69 advanced or model, 18 model by 2024.
ADVANCED_PER_YEAR = {2020: 12, 2021: 25, 2022: 15, 2023: 10, 2024: 5}
MODEL_PER_YEAR = {2020: 2, 2021: 1, 2022: 3, 2023: 5, 2024: 7}
DISTRICT_STANDARD = {  # notice: Vũ Quang (441) and Cẩm Xuyên (446) in 2021
    "442": 2018,
    "443": 2019,
    "439": 2020,
    "440": 2020,
    "445": 2020,
    "441": 2021,
    "446": 2021,
    # Notice target 2022: 1 district. Lộc Hà's own criteria fail until 2022 in this
    # sample, although all its communes meet the standard (its real year is not known).
    "448": 2022,
    "447": 2023,  # facts: NTM for 2023 (V*)
    "444": 2024,  # Hương Khê last (its communes Hà Linh and Điền Mỹ reach standard in 2024)
}
DISTRICT_ADVANCED = {"442": 2023, "440": 2024}
TOWN_COMPLETED = {"436": 2020, "437": 2020, "449": 2022}
# Model residential areas recognised per year; 2021 is the notice's 236, 2022 meets its 200.
RESIDENTIAL_AREAS_PER_YEAR = {2020: 173, 2021: 236, 2022: 214, 2023: 187, 2024: 142}
# Decisions the legal facts mark verified (ntm-facts.md §9.2, V).
VERIFIED_RECOGNITIONS = (
    ("442", "standard", "1709/QĐ-TTg", "2018-12-10", "2018"),
    ("443", "standard", "1405/QĐ-TTg", "2019-10-17", "2019"),
    ("439", "standard", "525/QĐ-TTg", "2022-04-27", "2020"),
)


def commune_years(communes: list[dict[str, str]], rng: random.Random) -> dict[str, dict[Tier, int]]:
    """Per commune, the first year at each tier it reaches (never backsliding)."""
    standard_year: dict[str, int] = {}
    late: dict[str, list[str]] = {}
    for unit in communes:
        named = NAMED_STANDARD.get(nfc(unit["name"]))
        if named is not None:
            standard_year[unit["code"]] = named
        else:
            standard_year[unit["code"]] = rng.choice(EARLY_YEARS)
            if nfc(unit["name"]) not in NAMED_MODEL:  # advanced by 2019: at standard before
                late.setdefault(unit["parent_code"], []).append(unit["code"])
    for district, years in LATE_STANDARD.items():
        pool = sorted(late[district])
        rng.shuffle(pool)
        for year, count in sorted(years.items()):
            for _ in range(count):
                standard_year[pool.pop()] = year
    advanced_year: dict[str, int] = {}
    model_year: dict[str, int] = {}
    for unit in communes:
        named = NAMED_MODEL.get(nfc(unit["name"]))
        if named is not None:
            model_year[unit["code"]] = named
            advanced_year[unit["code"]] = named - 1
    pool = sorted(c for c in standard_year if c not in advanced_year and standard_year[c] <= 2020)
    rng.shuffle(pool)
    for year, count in ADVANCED_PER_YEAR.items():
        already = sum(1 for y in advanced_year.values() if y == year)
        for _ in range(max(count - already, 0)):
            advanced_year[pool.pop()] = year
    pool = sorted(c for c in advanced_year if c not in model_year)
    rng.shuffle(pool)
    for year, count in MODEL_PER_YEAR.items():
        already = sum(1 for y in model_year.values() if y == year)
        for _ in range(max(count - already, 0)):
            code = next(c for c in pool if advanced_year[c] < year)
            pool.remove(code)
            model_year[code] = year
    out: dict[str, dict[Tier, int]] = {}
    for code, year in standard_year.items():
        out[code] = {Tier.STANDARD: year}
        if code in advanced_year:
            out[code][Tier.ADVANCED] = advanced_year[code]
        if code in model_year:
            out[code][Tier.MODEL] = model_year[code]
    return out


def tier_in(years: dict[Tier, int], period: int) -> Tier:
    """The highest tier reached by ``period``."""
    reached = [t for t, y in years.items() if y <= period]
    return max(reached, key=lambda t: t.rank) if reached else Tier.NOT_YET


def district_years(unit: dict[str, str]) -> dict[Tier, int]:
    code = unit["code"]
    if unit["level"] != "district":
        return {Tier.TASK_COMPLETED: TOWN_COMPLETED[code]} if code in TOWN_COMPLETED else {}
    out = {Tier.STANDARD: DISTRICT_STANDARD[code]} if code in DISTRICT_STANDARD else {}
    if code in DISTRICT_ADVANCED:
        out[Tier.ADVANCED] = DISTRICT_ADVANCED[code]
    return out


# ----------------------------------------------------------------- values


def fmt(value: Fraction) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def values_for(
    ladder: Ladder, selection: Selection, tier: Tier, rng: random.Random
) -> dict[str, str]:
    """Values meeting every rung up to ``tier`` and failing 1–3 criteria of the next rung."""
    rungs = list(ladder.rungs)
    # Rungs at or below ``tier`` (a ladder may lack the tier: 2016–2020 has only standard).
    reached = sum(1 for t in ladder.tiers if t.rank <= tier.rank) if tier is not Tier.NOT_YET else 0
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


def ladders_of(book: Rulebook, period: int) -> dict[RuleLevel, Ladder]:
    """The ladders in force on the last day of ``period`` (levels without rules left out)."""
    out = {}
    for level in LEVELS:
        try:
            out[level] = Ladder.for_level(
                book, level=level, on=dt.date(period, 12, 31), scope="ha-tinh"
            )
        except RuleNotInForceError:
            continue
    return out


def write_observations(
    book: Rulebook,
    units: list[dict[str, str]],
    years: dict[str, dict[Tier, int]],
    rng: random.Random,
) -> None:
    communes = [u for u in units if u["level"] == "commune"]
    districts = [u for u in units if u["level"] in ("district", "city", "town")]
    province = next(u for u in units if u["code"] == PROVINCE)
    rows: list[dict[str, str]] = []
    columns: dict[str, None] = {}

    def add(unit: dict[str, str], period: int, values: dict[str, str]) -> None:
        attributes = {"name": unit["name"], "level": unit["level"], "region": unit["region"]}
        rows.append({"unit_code": unit["code"], "period": str(period), **attributes, **values})
        columns.update(dict.fromkeys(values))

    for period in PERIODS:
        ladders = ladders_of(book, period)
        selection = Selection(region=Region.BTB, year=period)
        for unit in communes:
            tier = tier_in(years[unit["code"]], period)
            add(unit, period, values_for(ladders[RuleLevel.COMMUNE], selection, tier, rng))
        for unit in districts:
            level = RuleLevel.DISTRICT if unit["level"] == "district" else RuleLevel.TOWN
            ladder = ladders.get(level)
            if ladder is None:
                continue  # no rules for towns before 2022-03-08: no data keyed to none
            tier = tier_in(district_years(unit), period)
            values = values_for(ladder, selection, tier, rng)
            if tier is not Tier.NOT_YET:  # a recognised district's own criteria hold
                values = values_for(ladder, selection, tier, random.Random(SEED + period))
            add(unit, period, values)
        ladder = ladders.get(RuleLevel.PROVINCE)
        if ladder is None:
            continue
        values = values_for(ladder, selection, Tier.NOT_YET, random.Random(SEED + period))
        # The province's own conditions: project adopted from 2021; satisfaction rises to 91% in 2024.
        values.update(
            provincial_project_adopted="Đạt",
            roadside_trees_share=str(64 + 3 * (period - 2021)),
            green_land_per_person=fmt(Fraction(38 + 2 * (period - 2021), 10)),
            satisfaction_provincial_services=str(85 + 2 * (period - 2021)),
        )
        add(province, period, values)
    path = OUT / "sample-observations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        fields = ["unit_code", "period", "name", "level", "region", *columns]
        writer = csv.DictWriter(handle, fieldnames=fields, restval="")
        writer.writeheader()
        writer.writerows(rows)


# ----------------------------------------------------------------- recognitions

RECOGNITION_COLUMNS = [
    "unit_code", "tier", "decision", "decision_date", "assessment_year", "provenance"
]  # fmt: skip


def decision_day(rng: random.Random, year: int) -> dt.date:
    """A day in the second half of ``year`` (decisions follow the year's appraisal)."""
    return dt.date(year, rng.randint(7, 12), rng.randint(1, 28))


def write_recognitions(
    units: list[dict[str, str]], years: dict[str, dict[Tier, int]], rng: random.Random
) -> None:
    rows = [[*row, "verified"] for row in VERIFIED_RECOGNITIONS]
    verified = {(row[0], row[1]) for row in VERIFIED_RECOGNITIONS}
    numbers = iter(rng.sample(range(100, 9999), 2000))
    by_code = {u["code"]: u for u in units}
    events = [
        (code, tier, year) for code, reached in years.items() for tier, year in reached.items()
    ]
    for unit in units:
        if unit["level"] in ("district", "city", "town"):
            events.extend((unit["code"], t, y) for t, y in district_years(unit).items())
    events.sort(key=lambda e: (e[2], e[0], e[1].rank))
    for code, tier, year in events:
        if (code, tier.value) in verified:
            continue
        unit = by_code[code]
        commune = unit["level"] == "commune"
        # Communes are recognised by the provincial chairperson, districts by the Prime Minister.
        suffix = "QĐ-UBND" if commune else "QĐ-TTg"
        day = MODEL_DECISION_DAYS.get(nfc(unit["name"])) if tier is Tier.MODEL else None
        if day is None:
            day = decision_day(rng, year if commune or year >= 2021 else year + 1)
        rows.append([
            code, tier.value, f"SYN-{next(numbers)}/{suffix}", day.isoformat(), str(year),
            "synthetic",
        ])  # fmt: skip
    with (OUT / "recognitions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(RECOGNITION_COLUMNS)
        writer.writerows(rows)


def write_residential_areas(
    communes: list[dict[str, str]], years: dict[str, dict[Tier, int]], rng: random.Random
) -> None:
    """SYNTHETIC model residential areas, in communes already at standard that year."""
    rows = []
    per_commune: dict[str, int] = {}
    for year, count in RESIDENTIAL_AREAS_PER_YEAR.items():
        eligible = [u for u in communes if years[u["code"]][Tier.STANDARD] <= year]
        chosen = sorted(rng.choices(eligible, k=count), key=lambda u: u["code"])
        decisions: dict[str, tuple[str, dt.date]] = {}
        for unit in chosen:
            code = unit["code"]
            per_commune[code] = per_commune.get(code, 0) + 1
            if code not in decisions:  # one decision per commune and year
                decisions[code] = (f"SYN-{rng.randint(100, 9999)}/QĐ-UBND", decision_day(rng, year))
            number, day = decisions[code]
            rows.append([
                f"SYN-KDC-{code}-{per_commune[code]:02d}", "model", number, day.isoformat(),
                str(year), "synthetic", code, f"Khu dân cư mẫu {per_commune[code]} (SYNTHETIC)",
            ])  # fmt: skip
    with (OUT / "residential-areas.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*RECOGNITION_COLUMNS, "commune_code", "name"])
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
    rng = random.Random(SEED)
    units = load_units()
    communes = [u for u in units if u["level"] == "commune"]
    years = commune_years(communes, rng)
    write_observations(book, units, years, rng)
    write_recognitions(units, years, random.Random(SEED + 1))
    write_residential_areas(communes, years, random.Random(SEED + 2))
    (OUT / "targets.toml").write_text(TARGETS, encoding="utf-8")
    print(f"wrote the Hà Tĩnh sample to {OUT}")


if __name__ == "__main__":
    main()
