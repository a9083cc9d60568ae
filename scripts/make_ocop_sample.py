"""Make the bundled SYNTHETIC Hà Tĩnh OCOP sample portfolio (seeded, reproducible).

Writes, under ``src/ntm_core/datasets/ocop/``:

* ``ha-tinh-products.csv`` — invented OCOP products (codes ``SYN-YYYY-NNN``),
  labelled SYNTHETIC in its ``#`` header lines;

What is real: the commune codes and names, the rule editions (bands, maxima,
certifiers and validity are read from the bundled rulebook, never typed here).
What is public and matched: 95 products certified in 2021 and no 5-star
product by early 2022 (Hà Tĩnh notice TB-UBND, April 2022). Everything else —
names, producers, scores, dates, decisions, the yearly counts other than 2021,
the star mix, the 2022 5-star candidate and the 2024 5-star product — is
invented; see ``datasets/ocop/README.md``.

Products run from 2020-01-01 (the 216-unit commune map) to 2025-06-30 (before
the July 2025 reform abolished districts and renumbered communes), using only
communes whose code and name are the same in the 2020 and 2025-01 lists.

Run: python scripts/make_ocop_sample.py [--units-dir ../shared/data/ha-tinh]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from fractions import Fraction
from pathlib import Path

from ntm_core.ocop import (
    RULESET_KEY,
    CertifyingLevel,
    OcopProduct,
    ProducerKind,
    portfolio,
    rate_many,
    write_products,
)
from ntm_core.rules import Rulebook, RuleSet

SEED = 20220423
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "ntm_core" / "datasets" / "ocop"
UNITS_DIR = ROOT.parent / "shared" / "data" / "ha-tinh"

# Certified products per evaluation year. 2021 is the public figure; the others are invented.
CERTIFIED_PER_YEAR = {2020: 62, 2021: 95, 2022: 58, 2023: 64, 2024: 57, 2025: 28}
# Share of 4-star products among the certified (invented; guided by the 2022 target of at
# least 5 four-star among at least 50).
FOUR_STAR_SHARE = {2020: 0.08, 2021: 0.10, 2022: 0.14, 2023: 0.18, 2024: 0.18, 2025: 0.18}
NOT_CERTIFIED_PER_YEAR = 3  # evaluated but below the certified bands (invented)
LAST_DAY = dt.date(2025, 6, 30)

GROUP_WEIGHTS = {"1": 55, "2": 15, "3": 14, "4": 8, "5": 3, "6": 5}
# Product kinds per (edition lineage, group); group names differ between 1048 and 148.
KINDS_1048 = {
    "1": ["Cam", "Bưởi", "Mật ong", "Kẹo cu đơ", "Nước mắm", "Ruốc", "Gạo", "Bánh đa vừng",
          "Chả bò", "Tương", "Nhút", "Lạc nhân", "Mực khô"],
    "2": ["Chè xanh", "Trà túi lọc", "Rượu gạo", "Nước cam ép"],
    "3": ["Nhung hươu", "Tinh dầu sả", "Cao dược liệu", "Trà thảo dược"],
    "4": ["Khăn dệt", "Vải thổ cẩm", "Áo dệt tay"],
    "5": ["Đồ gỗ mỹ nghệ", "Mây tre đan trang trí", "Chổi đót"],
    "6": ["Điểm du lịch sinh thái", "Homestay"],
}  # fmt: skip
KINDS_148 = {
    "1": KINDS_1048["1"],
    "2": KINDS_1048["2"],
    "3": ["Nhung hươu", "Tinh dầu sả", "Cao dược liệu", "Trà dược liệu"],
    "4": ["Chổi đót", "Mây tre đan", "Nón lá", "Đồ gỗ mỹ nghệ"],
    "5": ["Cây cảnh", "Hoa lan"],
    "6": ["Du lịch cộng đồng", "Điểm du lịch sinh thái"],
}
# Subgroups of food under 148 (ntm-facts.md §8, classification partly verified).
FOOD_SUBGROUP = {
    "Cam": "tươi sống", "Bưởi": "tươi sống", "Mật ong": "thô, sơ chế", "Gạo": "thô, sơ chế",
    "Lạc nhân": "thô, sơ chế", "Mực khô": "thô, sơ chế",
}  # fmt: skip
KIND_WEIGHTS = {
    ProducerKind.COOPERATIVE: 40,
    ProducerKind.HOUSEHOLD_BUSINESS: 35,
    ProducerKind.ENTERPRISE: 20,
    ProducerKind.OTHER: 5,
}
PRODUCER_WORD = {
    ProducerKind.COOPERATIVE: "HTX mẫu",
    ProducerKind.HOUSEHOLD_BUSINESS: "Hộ kinh doanh mẫu",
    ProducerKind.ENTERPRISE: "Doanh nghiệp mẫu",
    ProducerKind.OTHER: "Tổ hợp tác mẫu",
}

HEADER = """SYNTHETIC DATA: invented OCOP products, not a record of real products or decisions.
Made by scripts/make_ocop_sample.py (seed {seed}); see datasets/ocop/README.md.
Real: commune codes (GSO, Hà Tĩnh 2020-2024).
Matched public figures: 95 products certified in 2021; no 5-star product by early 2022
(Hà Tĩnh notice …/TB-UBND, April 2022). Everything else is invented."""


def read_communes(units_dir: Path) -> list[dict[str, str]]:
    """Communes (xã, thị trấn) with the same code and name in the 2020 and 2025-01 lists."""
    with (units_dir / "units-2020.csv").open(encoding="utf-8", newline="") as handle:
        units = list(csv.DictReader(handle))
    with (units_dir / "units-2025-01.csv").open(encoding="utf-8", newline="") as handle:
        later = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    districts = {u["code"]: u["name"] for u in units if u["parent_code"] == "42"}
    return [
        {
            "commune_code": u["code"],
            "commune_name": u["name"],
            "district_code": u["parent_code"],
            "district_name": districts[u["parent_code"]],
        }
        for u in units
        if u["level"] in {"commune", "township"} and later.get(u["code"]) == u["name"]
    ]


def short_name(name: str) -> str:
    """``Xã Sơn Kim 1`` → ``Sơn Kim 1``."""
    for prefix in ("Xã ", "Thị trấn "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def batch_days(rng: random.Random, year: int) -> list[dt.date]:
    """Three or four council sessions in the year (before LAST_DAY)."""
    months = sorted(rng.sample(range(3, 13), rng.choice([3, 4])))
    days = [dt.date(year, m, rng.randint(5, 25)) for m in months]
    if year == 2023:
        days.append(dt.date(2023, 2, 10))  # one session under 1048 before 148 took over
    return sorted(d for d in days if d <= LAST_DAY) or [dt.date(year, 3, 15)]


def split(rng: random.Random, total: int, maxima: dict[str, int]) -> dict[str, int]:
    """Part scores A, B, C adding up to ``total``, each within its maximum."""
    while True:
        a = min(maxima["A"], max(0, round(total * maxima["A"] / 100 + rng.uniform(-2, 2))))
        b = min(maxima["B"], max(0, round(total * maxima["B"] / 100 + rng.uniform(-2, 2))))
        c = total - a - b
        if 0 <= c <= maxima["C"]:
            return {"A": a, "B": b, "C": c}


def band_range(edition: RuleSet, stars: int) -> tuple[int, int]:
    """The whole-number totals of the band with ``stars`` (from the rule data)."""
    bands = sorted(edition.ocop.stars, key=lambda b: b.min_score) if edition.ocop else []
    for i, band in enumerate(bands):
        if band.stars == stars:
            top = bands[i + 1].min_score if i + 1 < len(bands) else Fraction(100)
            return int(band.min_score), int(top) - (1 if i + 1 < len(bands) else 0)
    raise KeyError(stars)


def make(units_dir: Path) -> tuple[list[OcopProduct], list[dict[str, str]]]:
    """The products and the rows of the communes they use."""
    rng = random.Random(SEED)
    book = Rulebook.bundled()
    communes = read_communes(units_dir)
    products: list[OcopProduct] = []
    decisions: dict[tuple[dt.date, str], tuple[str, dt.date]] = {}
    for year, certified in CERTIFIED_PER_YEAR.items():
        four = max(1, round(certified * FOUR_STAR_SHARE[year]))
        plan = [4] * four + [3] * (certified - four) + [2] * NOT_CERTIFIED_PER_YEAR
        if year == 2022:
            plan[0] = 0  # the 5-star candidate: a 4-star product scoring in the 5-star band
        if year == 2024:
            plan[0] = 5  # the sample's (invented) first centrally recognised 5-star product
        if year == 2021:
            plan[-1] = 1
        rng.shuffle(plan)
        sessions = batch_days(rng, year)
        for number, stars in enumerate(plan, start=1):
            day = rng.choice(sessions)
            edition = book.in_force(RULESET_KEY, on=day)
            if edition.ocop is None:
                raise SystemExit(f"{edition.id} has no OCOP score sheet")
            maxima = {p.code: p.max for p in edition.ocop.parts}
            low, high = band_range(edition, 5 if stars in {0, 5} else stars)
            total = rng.randint(low, min(high, low + 12))
            group = rng.choices(list(GROUP_WEIGHTS), weights=list(GROUP_WEIGHTS.values()))[0]
            kinds = KINDS_1048 if edition.instrument.number.startswith("1048") else KINDS_148
            kind_name = rng.choice(kinds[group])
            commune = rng.choice(communes)
            producer_kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
            scores = split(rng, total, maxima)
            fields: dict[str, object] = {
                "code": f"SYN-{year}-{number:03d}",
                "name": f"{kind_name} {short_name(commune['commune_name'])}",
                "producer": f"{PRODUCER_WORD[producer_kind]} {rng.randint(1, 999):03d}",
                "producer_kind": producer_kind,
                "commune_code": commune["commune_code"],
                "group": group,
                "subgroup": FOOD_SUBGROUP.get(kind_name, "chế biến") if group == "1"
                and not edition.instrument.number.startswith("1048") else None,
                "score_a": scores["A"],
                "score_b": scores["B"],
                "score_c": scores["C"],
                "evaluated_on": day,
            }  # fmt: skip
            band = next(b for b in edition.ocop.stars if total >= b.min_score)
            if stars == 5:
                fields["central_recognition"] = True
            if band.certified:
                held = band if stars != 0 else next(
                    b for b in edition.ocop.stars
                    if b.min_score < band.min_score and b.certifier != "central"
                )  # fmt: skip
                level = CertifyingLevel(held.certifier) if held.certifier else None
                key = (day, held.certifier or "")
                if key not in decisions:
                    suffix = {"central": "QĐ-BNN-VPĐP", "province": "QĐ-UBND",
                              "district": "QĐ-UBND"}[held.certifier or "province"]  # fmt: skip
                    decisions[key] = (
                        f"SYN-{rng.randint(100, 4999)}/{suffix}",
                        min(day + dt.timedelta(days=rng.randint(7, 30)), LAST_DAY),
                    )
                decision, decision_day = decisions[key]
                fields.update(certified_level=level, decision=decision, decision_date=decision_day)
            products.append(OcopProduct(**fields))  # type: ignore[arg-type]
    products.sort(key=lambda p: (p.evaluated_on, p.code))
    used = {p.commune_code for p in products}
    rows = sorted(
        (c for c in communes if c["commune_code"] in used), key=lambda c: c["commune_code"]
    )
    return products, rows


def check(products: list[OcopProduct]) -> None:
    """The public figures the sample must match."""
    batch = rate_many(products)
    stats = portfolio(batch, on=dt.date(2025, 6, 30))
    if stats.new_certified(2021) != 95:
        raise SystemExit(f"2021 has {stats.new_certified(2021)} certified products, not 95")
    early = portfolio(batch, on=dt.date(2022, 2, 23))
    if early.by_stars.get(5, 0):
        raise SystemExit("the sample has a 5-star product by early 2022")


def main() -> int:
    """Write the sample files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units-dir", type=Path, default=UNITS_DIR)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    products, communes = make(args.units_dir)
    check(products)
    args.out.mkdir(parents=True, exist_ok=True)
    write_products(products, args.out / "ha-tinh-products.csv", comment=HEADER.format(seed=SEED))
    print(f"wrote {len(products)} synthetic products on {len(communes)} communes to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
