"""OCOP: products, rating by edition, certificates, portfolio statistics, targets, I/O, CLI.

Legal facts pinned here (ntm-facts.md §8, ntm-facts-2.md §7):

* QĐ 1048/QĐ-TTg (21/8/2019): part A 35, B 25, C 40; bands 5★ 90–100, 4★ 70–89, 3★ 50–69,
  2★ 30–49, 1★ < 30; "candidates are provincial 'tiềm năng 5 sao' ≥90 points" rated by the
  national council.
* QĐ 148/QĐ-TTg (24/02/2023): "Tổng điểm đánh giá cho mỗi sản phẩm tối đa là 100 điểm và được
  phân thành 05 hạng"; A 40, B 25, C 35; 3★ certified by the district People's Committee.
* QĐ 1489/QĐ-TTg (06/7/2025): 3★ recognition moves from district to province.
* "Giấy công nhận sản phẩm OCOP từ 3 sao đến 5 sao có hiệu lực 36 tháng".
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import pickle
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_core.cli import main
from ntm_core.datasets import (
    HA_TINH_OCOP_TARGETS,
    OCOP_SAMPLE_PRODUCTS,
    ha_tinh_ocop_targets,
    ocop_sample_district_of,
    ocop_sample_products,
    ocop_sample_section,
    ocop_sample_units,
)
from ntm_core.exceptions import DataError, InputError
from ntm_core.ocop import (
    COLUMNS,
    CertifyingLevel,
    OcopBatch,
    OcopProduct,
    OcopTable,
    OcopTargets,
    ProducerKind,
    TargetScope,
    add_months,
    add_months_array,
    expires_within,
    group_code,
    is_valid,
    ocop_section,
    portfolio,
    progress,
    rate,
    rate_many,
    read_products,
    reevaluation_due,
    render_ocop_section,
    targets_of_year,
    write_products,
    year_progress,
)
from ntm_core.rules import Rulebook

DATA = Path(__file__).parent / "data" / "ocop"
BOOK = Rulebook.bundled()
ON_1048 = dt.date(2021, 6, 15)
ON_148 = dt.date(2024, 6, 15)
ON_1489 = dt.date(2025, 9, 1)
MAXIMA = {  # pinned from the legal text (module docstring)
    ON_1048: {"A": 35, "B": 25, "C": 40},
    ON_148: {"A": 40, "B": 25, "C": 35},
    ON_1489: {"A": 40, "B": 25, "C": 35},
}


def product(total=None, *, on=ON_1048, code="P-1", group="1", parts=None, **extra):
    """A product with ``total`` split over the parts within the maxima of the edition."""
    if parts is None:
        total = Fraction(total)
        maxima = MAXIMA.get(on) or {
            p.code: p.max for p in BOOK.in_force("vn.ocop.rating", on=on).ocop.parts
        }
        parts = {k: total * v / 100 for k, v in maxima.items()}
    return OcopProduct(
        code=code,
        name="Sản phẩm thử",
        commune_code="18196",
        group=group,
        score_a=parts["A"],
        score_b=parts["B"],
        score_c=parts["C"],
        evaluated_on=on,
        **extra,
    )


# ---------------------------------------------------------------- editions and bands


def test_bundled_maxima_are_the_legal_ones():
    for on, maxima in MAXIMA.items():
        scheme = BOOK.in_force("vn.ocop.rating", on=on).ocop
        assert {p.code: p.max for p in scheme.parts} == maxima


BAND_EDGES = [
    ("29.9", 1), ("30", 2), ("49", 2), ("49.9", 2), ("50", 3), ("69", 3), ("69.9", 3),
    ("70", 4), ("89", 4), ("89.9", 4), ("90", 5), ("100", 5),
]  # fmt: skip


@pytest.mark.parametrize("on", [ON_1048, ON_148, ON_1489], ids=["1048", "148", "148+1489"])
@pytest.mark.parametrize(("total", "stars"), BAND_EDGES)
def test_star_band_edges(on, total, stars):
    """Bands: 5★ 90–100, 4★ 70–89, 3★ 50–69, 2★ 30–49, 1★ < 30 (1048; carried over to 148)."""
    rating = rate(product(total, on=on, central_recognition=True))
    assert rating.total == Fraction(total)
    assert rating.stars == stars
    assert rating.five_star_candidate is False
    assert rating.certified is (stars >= 3)


@pytest.mark.parametrize("on", [ON_1048, ON_148], ids=["1048", "148"])
def test_ninety_without_central_recognition_is_a_five_star_candidate(on):
    """Five stars need the central council: 90+ without it is a candidate holding 4 stars."""
    for recognition in (None, False):
        rating = rate(product(90, on=on, central_recognition=recognition))
        assert (rating.stars, rating.five_star_candidate) == (4, True)
        assert rating.certifier is CertifyingLevel.PROVINCE
        assert rating.explanation.score_band.stars == 5
        assert rating.explanation.band.stars == 4
    recognised = rate(product(90, on=on, central_recognition=True))
    assert (recognised.stars, recognised.five_star_candidate) == (5, False)
    assert recognised.certifier is CertifyingLevel.CENTRAL
    below = rate(product("89.9", on=on))
    assert (below.stars, below.five_star_candidate) == (4, False)


def test_central_recognition_below_the_band_is_noted_and_ignored():
    rating = rate(product("89.9", central_recognition=True))
    assert rating.stars == 4
    assert any("central recognition" in note for note in rating.explanation.notes)


@pytest.mark.parametrize(
    ("on", "three_star_certifier"),
    [(ON_1048, CertifyingLevel.PROVINCE), (ON_148, CertifyingLevel.DISTRICT),
     (ON_1489, CertifyingLevel.PROVINCE)],
)  # fmt: skip
def test_who_certifies_three_stars_changes_by_date(on, three_star_certifier):
    """148: 3★ by the district; 1489 moves 3★ to the province."""
    assert rate(product(60, on=on)).certifier is three_star_certifier
    assert rate(product(75, on=on)).certifier is CertifyingLevel.PROVINCE
    two = rate(product(40, on=on))
    assert (two.certified, two.certifier, two.valid_until) == (False, None, None)


@pytest.mark.parametrize(
    ("on", "edition"),
    [
        (dt.date(2019, 8, 21), "vn.ocop.rating@2019"),
        (dt.date(2020, 6, 7), "vn.ocop.rating@2019"),
        (dt.date(2020, 6, 8), "vn.ocop.rating@2020"),  # 1048 as amended by 781
        (dt.date(2023, 2, 23), "vn.ocop.rating@2020"),
        (dt.date(2023, 2, 24), "vn.ocop.rating@2023"),
        (dt.date(2025, 7, 5), "vn.ocop.rating@2023"),
        (dt.date(2025, 7, 6), "vn.ocop.rating@2025"),
    ],
)
def test_edition_is_the_one_in_force_on_the_evaluation_date(on, edition):
    assert rate(product(parts={"A": 20, "B": 10, "C": 20}, on=on)).edition == edition


@pytest.mark.parametrize("on", [ON_1048, ON_148], ids=["1048", "148"])
def test_part_maxima_exactly_and_one_tenth_above(on):
    maxima = MAXIMA[on]
    full = rate(product(parts=maxima, on=on, central_recognition=True))
    assert (full.total, full.stars) == (100, 5)
    for part in "ABC":
        parts = dict(maxima)
        parts[part] = maxima[part] + Fraction(1, 10)
        with pytest.raises(InputError) as caught:
            rate(product(parts=parts, on=on, code="TOO-MUCH"))
        err = caught.value
        assert err.column == f"score_{part.lower()}"
        assert err.value == f"{maxima[part]}.1"
        assert "'TOO-MUCH'" in str(err)
        assert f"above its maximum {maxima[part]}" in str(err)


def test_a_score_of_36_fits_148_but_not_1048():
    parts = {"A": 36, "B": 20, "C": 30}
    assert rate(product(parts=parts, on=ON_148)).stars == 4
    with pytest.raises(
        InputError, match=re.escape("above its maximum 35 under vn.ocop.rating@2020")
    ):
        rate(product(parts=parts, on=ON_1048))


def test_negative_score_unknown_group_and_date_before_ocop_are_errors():
    with pytest.raises(InputError, match=r"'NEG'.*part B score -1 is negative") as caught:
        rate(product(parts={"A": 20, "B": -1, "C": 20}, code="NEG"))
    assert caught.value.column == "score_b"
    with pytest.raises(InputError, match=r"'G7'.*group '7' is not a product group") as caught:
        rate(product(50, code="G7", group="7"))
    assert caught.value.column == "group"
    assert "1 (Thực phẩm / Food)" in str(caught.value)
    with pytest.raises(InputError, match="no OCOP rating edition is in force on 2019-08-20"):
        rate(product(parts={"A": 20, "B": 10, "C": 20}, on=dt.date(2019, 8, 20)))


def test_provisional_follows_the_provenance_of_the_rules_used():
    # 1048: the 4★ band is verified but the 1048 validity is only inferred (unverified).
    assert rate(product(75)).provisional is True
    # 1048: 2★ is verified and uncertified (no validity used).
    assert rate(product(40)).provisional is False
    # 148: the bands are carried over from 1048 (unverified).
    assert rate(product(40, on=ON_148)).provisional is True


def test_explanation_text_and_json():
    rating = rate(product(90, on=ON_148, code="EX-1", certified_level=CertifyingLevel.DISTRICT))
    text = rating.explain()
    assert "EX-1 Sản phẩm thử: 90/100 under vn.ocop.rating@2023 (148/QĐ-TTg" in text
    assert "5-star candidate: the total reaches the band ≥ 90" in text
    assert "certificate 2024-06-15 – 2027-06-15 (36 months" in text
    assert "recorded certifying level (district) differs" in text
    vi = rating.explain("vi")
    assert "tiềm năng 5 sao" in vi
    assert "giấy chứng nhận" in vi
    assert "tạm tính" in vi
    data = json.loads(json.dumps(rating.to_dict(), ensure_ascii=False))
    assert data["stars"] == 4
    assert data["five_star_candidate"] is True
    assert data["total"] == 90
    assert data["valid_until"] == "2027-06-15"
    assert [p["max"] for p in data["parts"]] == [40, 25, 35]
    assert rate(product(40)).explain().count("not an OCOP certification") == 1


def test_below_every_band_when_the_rules_start_above_zero(tmp_path):
    source = Path(BOOK.get("vn.ocop.rating@2019").source).read_text(encoding="utf-8")
    # 1048 alone, in force on ON_1048 (781's overlay is left out of this book)
    raised = source.replace("min_score = 0", "min_score = 10").replace(
        "valid_to = 2020-06-08", "valid_to = 2023-02-24"
    )
    path = tmp_path / "ocop.toml"
    path.write_text(raised, encoding="utf-8")
    book = Rulebook.from_paths([path])
    rating = rate(product(5), rulebook=book)
    assert (rating.stars, rating.certified) == (None, False)
    assert "below every star band" in rating.explain()
    batch = rate_many([product(5)], rulebook=book)
    assert batch.to_records(on=ON_1048)[0]["stars"] is None


# ---------------------------------------------------------------- certificates


def test_thirty_six_months_from_the_end_of_a_month():
    """Validity is half-open [start, start + 36 months); the end-of-month rule clamps the day."""
    assert add_months(dt.date(2022, 3, 31), 36) == dt.date(2025, 3, 31)
    assert add_months(dt.date(2020, 2, 29), 36) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2022, 1, 31), 1) == dt.date(2022, 2, 28)
    assert add_months(dt.date(2023, 12, 15), 1) == dt.date(2024, 1, 15)
    rating = rate(product(60, on=dt.date(2022, 3, 31)))
    assert (rating.valid_from, rating.valid_until) == (dt.date(2022, 3, 31), dt.date(2025, 3, 31))
    assert not is_valid(rating, on=dt.date(2022, 3, 30))
    assert is_valid(rating, on=dt.date(2022, 3, 31))
    assert is_valid(rating, on=dt.date(2025, 3, 30))
    assert not is_valid(rating, on=dt.date(2025, 3, 31))
    assert not is_valid(rating, on=dt.date(2025, 4, 1))
    leap = rate(product(60, on=dt.date(2020, 2, 29)))
    assert leap.valid_until == dt.date(2023, 2, 28)
    assert is_valid(leap, on=dt.date(2023, 2, 27))
    assert not is_valid(leap, on=dt.date(2023, 2, 28))


def test_certificate_runs_from_the_decision_date():
    rating = rate(product(60, on=dt.date(2021, 12, 20), decision_date=dt.date(2022, 1, 10)))
    assert (rating.valid_from, rating.valid_until) == (dt.date(2022, 1, 10), dt.date(2025, 1, 10))
    assert not is_valid(rating, on=dt.date(2022, 1, 9))


def test_expiring_and_reevaluation_due():
    rating = rate(product(60, on=dt.date(2022, 3, 31)))
    assert expires_within(rating, on=dt.date(2024, 10, 1), months=6)
    assert not expires_within(rating, on=dt.date(2024, 9, 30), months=6)
    assert not expires_within(rating, on=dt.date(2025, 3, 31), months=6)  # already expired
    assert not reevaluation_due(rating, on=dt.date(2025, 3, 30))
    assert reevaluation_due(rating, on=dt.date(2025, 3, 30), within_months=1)
    assert reevaluation_due(rating, on=dt.date(2025, 3, 31))
    uncertified = rate(product(40))
    assert not is_valid(uncertified, on=ON_1048)
    assert not reevaluation_due(uncertified, on=dt.date(2030, 1, 1))
    assert not expires_within(uncertified, on=ON_1048, months=60)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(min_value=0, max_value=120),
)
def test_add_months_array_agrees_with_add_months(start, months):
    got = add_months_array(np.array([start, None], dtype="datetime64[D]"), months)
    assert got[0] == np.datetime64(add_months(start, months))
    assert np.isnat(got[1])
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])


# ---------------------------------------------------------------- batch path


@st.composite
def products(draw, *, index=0):
    on = draw(st.dates(min_value=dt.date(2019, 8, 21), max_value=dt.date(2027, 12, 31)))
    maxima = {p.code: p.max for p in BOOK.in_force("vn.ocop.rating", on=on).ocop.parts}
    denominator = draw(st.sampled_from([1, 2, 4, 10, 3]))
    parts = {
        code: Fraction(draw(st.integers(0, m * denominator)), denominator)
        for code, m in maxima.items()
    }
    edge = draw(st.sampled_from([None, 30, 50, 70, 90]))
    if edge is not None:  # put the total on a band edge or just below it
        below = draw(st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(1, 3)]))
        share = {code: Fraction(m, 100) for code, m in maxima.items()}
        parts = {code: (edge - below) * s for code, s in share.items()}
    decided = draw(st.one_of(st.none(), st.integers(0, 60)))
    return OcopProduct(
        code=f"H-{index}-{draw(st.integers(0, 10**6))}",
        name="Sản phẩm",
        commune_code=draw(st.sampled_from(["18196", "18199", "18241"])),
        group=draw(st.sampled_from(["1", "2", "3", "4", "5", "6"])),
        score_a=parts["A"], score_b=parts["B"], score_c=parts["C"],
        evaluated_on=on,
        decision_date=None if decided is None else on + dt.timedelta(days=decided),
        central_recognition=draw(st.sampled_from([None, True, False])),
    )  # fmt: skip


@given(st.lists(products(), min_size=1, max_size=30))
def test_rate_many_agrees_with_rate(items):
    batch = rate_many(items)
    for i, item in enumerate(items):
        one = rate(item)
        assert batch.total(i) == one.total
        assert (int(batch.stars[i]) or None) == one.stars
        assert bool(batch.five_star_candidate[i]) is one.five_star_candidate
        assert bool(batch.certified[i]) is one.certified
        certifier = int(batch.certifier[i])
        assert (tuple(CertifyingLevel)[certifier] if certifier >= 0 else None) is one.certifier
        assert batch.editions[int(batch.edition_index[i])] == one.edition
        assert bool(batch.provisional[i]) is one.provisional
        record = batch.to_records(on=item.evaluated_on)[i]
        assert record["valid_from"] == (one.valid_from.isoformat() if one.valid_from else None)
        assert record["valid_until"] == (one.valid_until.isoformat() if one.valid_until else None)
        assert record["valid"] is is_valid(one, on=item.evaluated_on)


@given(
    st.lists(products(), min_size=1, max_size=20),
    st.dates(dt.date(2019, 1, 1), dt.date(2031, 1, 1)),
)
def test_portfolio_of_batch_and_of_scalar_ratings_agree(items, on):
    items = list({p.code: p for p in items}.values())
    assert portfolio(rate_many(items), on=on) == portfolio([rate(p) for p in items], on=on)


def test_rate_many_reports_every_bad_product_as_rate_does():
    items = [
        product(50, code="OK"),
        product(parts={"A": 36, "B": 0, "C": 0}, code="A-HIGH"),
        product(50, code="G9", group="9"),
        product(parts={"A": 20, "B": 10, "C": 20}, code="EARLY", on=dt.date(2019, 1, 1)),
    ]
    with pytest.raises(ExceptionGroup) as caught:
        rate_many(items)
    messages = [str(e) for e in caught.value.exceptions]
    assert len(messages) == 3
    for bad, message in zip(items[1:], messages, strict=True):
        with pytest.raises(InputError) as scalar:
            rate(bad)
        assert str(scalar.value) == message


def test_rate_many_with_huge_denominators_stays_exact():
    tiny = Fraction(1, 10**19)
    items = [
        product(parts={"A": 30 - tiny, "B": 20, "C": 20}, code="X-1"),
        product(parts={"A": 30, "B": 20, "C": 20}, code="X-2"),
    ]
    batch = rate_many(items)
    assert batch.stars.tolist() == [3, 4]
    assert batch.total(0) == 70 - tiny
    assert rate_many(OcopTable.from_products(items)).stars.tolist() == [3, 4]


def test_rate_many_of_nothing():
    batch = rate_many([])
    assert len(batch) == 0
    stats = portfolio(batch, on=ON_1048)
    assert stats.products == 0
    assert stats.new_by_year == {}
    assert stats.by_unit == {}


# ---------------------------------------------------------------- portfolio and targets


def hand_made():
    """Seven products; on 2022-12-31 (expected counts in the test below)."""
    return [
        product(
            60, code="A", on=dt.date(2019, 9, 1), decision_date=dt.date(2019, 9, 20)
        ),  # 3★, expired 2022-09-20
        product(75, code="B", on=dt.date(2021, 3, 1)),  # 4★, valid
        product(92, code="C", on=dt.date(2022, 5, 1), group="2"),  # 4★ candidate, valid
        product(55, code="D", on=dt.date(2022, 6, 1), group="2"),  # 3★, valid
        product(40, code="E", on=dt.date(2022, 7, 1)),  # 2★, not certified
        product(
            60, code="F", on=dt.date(2022, 12, 20), decision_date=dt.date(2023, 1, 5)
        ),  # 3★ pending
        product(60, code="G", on=ON_148),  # evaluated later: not counted
    ]


def test_portfolio_counts_on_a_hand_made_list():
    items = hand_made()
    units = {"18196": "439"}
    stats = portfolio(rate_many(items), on=dt.date(2022, 12, 31), unit_of=units)
    assert stats.products == 6
    assert stats.evaluated_after == 1
    assert dict(stats.by_stars) == {5: 0, 4: 2, 3: 3, 2: 1, 1: 0}
    assert stats.five_star_candidates == 1
    assert (stats.certified, stats.valid, stats.expired, stats.pending) == (5, 3, 1, 1)
    assert dict(stats.valid_by_stars) == {5: 0, 4: 2, 3: 1, 2: 0, 1: 0}
    assert {y: dict(c) for y, c in stats.new_by_year.items()} == {
        2019: {3: 1}, 2021: {4: 1}, 2022: {4: 1, 3: 2},
    }  # fmt: skip
    assert stats.new_certified(2022) == 3
    assert stats.new_certified(2022, stars=4) == 1
    groups = {(g.edition, g.code, g.name_vi): g.count for g in stats.by_group}
    # 1048 as issued (2019) and as amended by 781 (from 2020-06-08) share the product groups
    assert groups == {
        ("vn.ocop.rating@2019", "1", "Thực phẩm"): 1,
        ("vn.ocop.rating@2020", "1", "Thực phẩm"): 3,
        ("vn.ocop.rating@2020", "2", "Đồ uống"): 2,
    }
    assert stats.grouped_by == "parent"
    unit = stats.by_unit["439"]
    assert (unit.products, unit.certified, unit.valid, unit.expired) == (6, 5, 3, 1)
    assert unit.five_star_candidates == 1
    assert unit.by_stars[3] == 3
    assert stats.editions == ("vn.ocop.rating@2019", "vn.ocop.rating@2020")
    per_commune = portfolio([rate(p) for p in items], on=dt.date(2022, 12, 31))
    assert per_commune.grouped_by == "commune"
    assert list(per_commune.by_unit) == ["18196"]
    data = json.loads(json.dumps(stats.to_dict()))
    assert data["by_stars"] == {"5": 0, "4": 2, "3": 3, "2": 1, "1": 0}
    assert data["new_by_year"]["2022"] == {"certified": 3, "by_stars": {"4": 1, "3": 2}}
    assert "certificates: 5 certified, 3 valid, 1 expired, 1 pending" in "\n".join(stats.lines())
    assert "chứng nhận: 5 sản phẩm" in "\n".join(stats.lines("vi"))


def test_portfolio_needs_every_commune_in_unit_of():
    with pytest.raises(InputError, match="does not map 1 commune code"):
        portfolio(rate_many(hand_made()), on=dt.date(2022, 12, 31), unit_of={"1": "2"})


def test_progress_against_ha_tinh_2022_targets():
    """ "tối thiểu 50 sản phẩm … được chứng nhận đạt chuẩn OCOP, trong đó tối thiểu 5 sản phẩm 4 sao,
    phấn đấu có sản phẩm đạt chuẩn OCOP 5 sao" (Hà Tĩnh notice, April 2022, II.1)."""
    targets = OcopTargets.from_toml(HA_TINH_OCOP_TARGETS, year=2022)
    assert targets.unit_code == "42"
    assert targets.citation.item == "II.1"
    assert [(t.key, t.minimum, t.stars, t.scope, t.aspiration) for t in targets.targets] == [
        ("certified_new", 50, None, TargetScope.NEW, False),
        ("four_star_new", 5, 4, TargetScope.NEW, False),
        ("five_star", 1, 5, TargetScope.HELD, True),
    ]
    stats = portfolio(rate_many(hand_made()), on=dt.date(2022, 12, 31))
    result = progress(stats, targets)
    assert [(i.achieved, i.met, i.shortfall) for i in result.items] == [
        (3, False, 47), (1, False, 4), (0, False, 1),
    ]  # fmt: skip
    assert result.final
    assert not result.met
    assert result.five_star_candidates == 1
    text = "\n".join(result.lines())
    assert "products and services certified OCOP in the year: 3/50 — not met, 47 short" in text
    assert "5-star candidates awaiting central recognition: 1" in text
    assert "(phấn đấu)" in "\n".join(result.lines("vi"))
    midyear = progress(portfolio(rate_many(hand_made()), on=dt.date(2022, 6, 30)), targets)
    assert not midyear.final
    assert "(year not over)" in midyear.lines()[0]


def test_targets_file_and_its_errors(tmp_path):
    sets = OcopTargets.read_all(DATA / "targets.toml")
    assert [s.year for s in sets] == [2021, 2023]
    t2021 = OcopTargets.from_toml(DATA / "targets.toml", year=2021)
    stats = portfolio(rate_many(hand_made()), on=dt.date(2021, 12, 31))
    assert [(i.achieved, i.met) for i in progress(stats, t2021).items] == [(1, False), (1, True)]
    with pytest.raises(KeyError, match="no OCOP targets for 2022; it has 2021, 2023"):
        OcopTargets.from_toml(DATA / "targets.toml", year=2022)
    bad = tmp_path / "bad.toml"
    bad.write_text('schema = "other"\n', encoding="utf-8")
    with pytest.raises(DataError, match="expected schema"):
        OcopTargets.read_all(bad)
    bad.write_text("schema = [", encoding="utf-8")
    with pytest.raises(DataError, match="not a TOML file"):
        OcopTargets.read_all(bad)
    with pytest.raises(DataError, match="cannot read"):
        OcopTargets.read_all(tmp_path / "missing.toml")
    bad.write_text('schema = "ntm_core.ocop-targets/1"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"no \[\[sets\]\]"):
        OcopTargets.read_all(bad)
    text = (DATA / "targets.toml").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("minimum = 2", "minimum = -2").replace('scope = "held"', 'scope = "x"'),
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as caught:
        OcopTargets.read_all(bad)
    assert "sets[0]" in str(caught.value.exceptions[0])
    bad.write_text(text.replace("stars = 3", 'stars = "3"'), encoding="utf-8")
    with pytest.raises(ExceptionGroup):
        OcopTargets.read_all(bad)


# ---------------------------------------------------------------- products and files


def test_from_mapping_parses_vietnamese_spreadsheet_cells():
    item = OcopProduct.from_mapping({
        "code": " T-1 ", "name": "Me\u0301 xửng", "commune_code": "18196", "group": "1",
        "score_a": "30,5", "score_b": "20", "score_c": "299/10", "evaluated_on": "15/06/2021",
        "producer_kind": "HTX", "certified_level": "cấp tỉnh", "central_recognition": "Không",
        "decision_date": "2021-06-30", "subgroup": "", "producer": None,
    })  # fmt: skip
    assert item.code == "T-1"
    assert item.name == "Mé xửng"
    assert (item.score_a, item.score_c) == (Fraction(61, 2), Fraction(299, 10))
    assert item.evaluated_on == dt.date(2021, 6, 15)
    assert item.producer_kind is ProducerKind.COOPERATIVE
    assert item.certified_level is CertifyingLevel.PROVINCE
    assert item.central_recognition is False
    assert item.subgroup is None
    assert item.producer is None
    assert item.total == Fraction(804, 10)


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"score_a": "abc"}, "score_a", "expected a number"),
        ({"score_a": "nan"}, "score_a", "finite"),
        ({"score_a": "1/0"}, "score_a", "expected a number"),
        ({"score_a": True}, "score_a", "expected a number"),
        ({"evaluated_on": "2021-13-01"}, "evaluated_on", "YYYY-MM-DD"),
        ({"evaluated_on": ""}, "evaluated_on", "evaluated_on is required"),
        ({"central_recognition": "maybe"}, "central_recognition", "yes or no"),
        ({"producer_kind": "guild"}, "producer_kind", "unknown producer kind 'guild'"),
        ({"certified_level": "xã"}, "certified_level", "unknown certifying level"),
        ({"scor_a": "1"}, "scor_a", "did you mean 'score_a'"),
        ({"decision_date": "2021-06-01"}, "decision_date", "before the evaluation date"),
        ({"name": " "}, "name", "name is required"),
    ],
)
def test_from_mapping_errors_name_the_column_and_value(change, column, message):
    row = {"code": "E-1", "name": "Cam", "commune_code": "18196", "group": "1",
           "score_a": "30", "score_b": "20", "score_c": "30", "evaluated_on": "2021-06-15"}  # fmt: skip
    row.update(change)
    with pytest.raises(InputError, match=message) as caught:
        OcopProduct.from_mapping(row)
    assert caught.value.column == column


def test_constructor_refuses_inexact_and_empty_values():
    with pytest.raises(TypeError, match="exact number"):
        product(parts={"A": 30.5, "B": 20, "C": 20})
    with pytest.raises(TypeError, match="expected a number"):
        product(parts={"A": True, "B": 20, "C": 20})
    with pytest.raises(ValueError, match="finite"):
        product(parts={"A": __import__("decimal").Decimal("nan"), "B": 20, "C": 20})
    with pytest.raises(InputError, match="needs a code"):
        OcopProduct(code=" ", name="x", commune_code="1", group="1", score_a=1, score_b=1,
                    score_c=1, evaluated_on=ON_1048)  # fmt: skip
    with pytest.raises(InputError, match="needs a commune code"):
        OcopProduct(code="x", name="x", commune_code="", group="1", score_a=1, score_b=1,
                    score_c=1, evaluated_on=ON_1048)  # fmt: skip
    with pytest.raises(InputError, match="needs a product group"):
        OcopProduct(code="x", name="x", commune_code="1", group="", score_a=1, score_b=1,
                    score_c=1, evaluated_on=ON_1048)  # fmt: skip
    with pytest.raises(TypeError, match=re.escape("datetime.date")):
        product(50, on=dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(TypeError):
        product(50, producer_kind="cooperative")
    with pytest.raises(TypeError):
        product(50, certified_level="province")
    with pytest.raises(TypeError):
        product(50, central_recognition="yes")


def test_vocabularies_parse_english_and_vietnamese():
    assert ProducerKind.from_text("Doanh nghiệp") is ProducerKind.ENTERPRISE
    assert ProducerKind.from_text("household_business").label() == "household business"
    assert ProducerKind.from_text("khác") is ProducerKind.OTHER
    assert CertifyingLevel.from_text("Trung ương") is CertifyingLevel.CENTRAL
    assert CertifyingLevel.from_text("district") is CertifyingLevel.DISTRICT
    assert CertifyingLevel.DISTRICT.label("vi") == "huyện"
    assert ProducerKind.COOPERATIVE != "cooperative"
    with pytest.raises(ValueError, match="unknown certifying level"):
        CertifyingLevel.from_text("village")


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_round_trip_is_lossless(tmp_path, suffix):
    items = [
        product(parts={"A": Fraction(1, 3), "B": Fraction(299, 10), "C": 20}, code="R-1",
                producer="HTX Hòa Bình", producer_kind=ProducerKind.COOPERATIVE,
                subgroup="chế biến", certified_level=CertifyingLevel.PROVINCE,
                decision="12/QĐ-UBND", decision_date=dt.date(2021, 7, 1), central_recognition=False),
        product(60, code="R-2", on=ON_148, central_recognition=True),
        product(45, code="R-3", group="6"),
    ]  # fmt: skip
    path = write_products(items, tmp_path / f"products{suffix}", comment="SYNTHETIC test\nline 2")
    assert read_products(path) == tuple(items)
    text = path.read_text(encoding="utf-8")
    assert ("# SYNTHETIC test\n# line 2\n" in text) if suffix == ".csv" else '"comment"' in text
    if suffix == ".csv":
        assert text.splitlines()[2] == ",".join(COLUMNS)
        assert ",1/3,29.9,20," in text


def test_reading_semicolons_decimal_commas_and_day_first_dates():
    items = read_products(DATA / "products-semicolon.csv")
    assert [p.code for p in items] == ["T-1", "T-2", "T-3"]
    assert items[0].score_a == Fraction(61, 2)
    assert items[0].evaluated_on == dt.date(2021, 6, 15)
    assert items[1].certified_level is CertifyingLevel.DISTRICT
    assert items[2].central_recognition is True
    ratings = [rate(p) for p in items]
    assert [r.stars for r in ratings] == [4, 3, 5]


def test_reading_json_with_numbers_and_fractions():
    items = read_products(DATA / "products.json")
    assert items[0].commune_code == "18196"
    assert items[0].group == "1"
    assert items[0].score_a == Fraction(61, 2)
    assert items[0].central_recognition is False
    assert items[1].score_a == Fraction(1, 3)
    assert items[1].central_recognition is None


def test_bom_and_comment_lines_are_fine(tmp_path):
    path = tmp_path / "bom.csv"
    body = "# a comment\n\nCode,Name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
    body += "X,Cam,18196,1,30,20,30,2021-06-15\n\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert [p.code for p in read_products(path)] == ["X"]


def test_bad_rows_are_all_reported_and_nothing_is_returned():
    with pytest.raises(ExceptionGroup) as caught:
        read_products(DATA / "bad-products.csv")
    errors = caught.value.exceptions
    where = [(e.row, e.column, e.value) for e in errors]
    assert (2, "score_c", "abc") in where
    assert (3, "name", "") in where
    assert (3, "evaluated_on", "2021-13-01") in where
    assert (4, "central_recognition", "maybe") in where
    assert (5, "code", "B-1") not in where  # row 2 failed, so B-1 is not taken yet
    assert all(str(e).startswith(str(DATA / "bad-products.csv")) for e in errors)


def test_duplicate_codes_extra_cells_and_file_errors(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text(
        "code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
        "D,Cam,18196,1,30,20,30,2021-06-15\n"
        "D,Bưởi,18196,1,30,20,30,2021-06-15\n"
        "E,Bưởi,18196,1,30,20,30,2021-06-15,extra\n",
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as caught:
        read_products(path)
    messages = [str(e) for e in caught.value.exceptions]
    assert any(
        "row 3, column 'code': product code 'D' is already used in row 2" in m for m in messages
    )
    assert any("row 4, column '(column 9)': the row has 9 cells" in m for m in messages)
    cases = {
        "x.xlsx": (b"", "unsupported file type"),
        "latin.csv": ("code\nCà\n".encode("latin-1"), "not UTF-8"),
        "empty.csv": (b"# only a comment\n", "empty file"),
        "header.csv": (b"code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n", "no data rows"),
        "unknown.csv": (b"code,nam,commune_code,group,score_a,score_b,score_c,evaluated_on,code\n1\n",
                        "unknown column 'nam' (did you mean 'name'?)"),
        "list.json": (b'{"items": []}', "unknown key"),
        "scalar.json": (b"3", "got a JSON int"),
        "emptylist.json": (b"[]", "the list is empty"),
        "broken.json": (b"[{", "unreadable JSON"),
        "nan.json": (b'[{"score_a": NaN}]', "unreadable JSON"),
    }  # fmt: skip
    for name, (content, message) in cases.items():
        file = tmp_path / name
        file.write_bytes(content)
        with pytest.raises(DataError, match=re.escape(message)):
            read_products(file)
    with pytest.raises(DataError, match="missing required column"):
        read_products(DATA / "targets.toml".replace("toml", "toml")) if False else _missing(
            tmp_path
        )
    with pytest.raises(DataError, match="cannot read"):
        read_products(tmp_path / "absent.csv")
    notobject = tmp_path / "notobject.json"
    notobject.write_text('[{"code": "A", "name": "x", "commune_code": "1", "group": "1", "score_a": 1, '
                         '"score_b": 1, "score_c": 1, "evaluated_on": "2021-01-01"}, 5]', encoding="utf-8")  # fmt: skip
    with pytest.raises(ExceptionGroup, match="1 problem"):
        read_products(notobject)


def _missing(tmp_path):
    path = tmp_path / "missing.csv"
    path.write_text("code,name\nA,B\n", encoding="utf-8")
    return read_products(path)


# ---------------------------------------------------------------- sample, section, CLI


def test_sample_is_labelled_synthetic_and_matches_the_public_figures():
    """2021: "có thêm 95 sản phẩm đạt chuẩn"; early 2022: "chưa có sản phẩm đạt chuẩn OCOP 5 sao"."""
    assert OCOP_SAMPLE_PRODUCTS.read_text(encoding="utf-8").startswith("# SYNTHETIC DATA")
    items = ocop_sample_products()
    assert all(p.code.startswith("SYN-") for p in items)
    batch = rate_many(items)
    assert portfolio(batch, on=dt.date(2025, 6, 30)).new_certified(2021) == 95
    assert portfolio(batch, on=dt.date(2022, 2, 23)).by_stars[5] == 0
    districts = ocop_sample_district_of()
    assert {p.commune_code for p in items} <= set(districts)
    assert set(districts.values()) <= {str(c) for c in range(436, 450)}


def test_sample_communes_are_real_units_of_the_2020_2024_tree():
    from ntm_core.datasets import ha_tinh_tree

    snapshot = ha_tinh_tree().as_of(dt.date(2024, 6, 1))
    codes = {u.code for u in snapshot.units() if u.level.rank == 2}
    assert {p.commune_code for p in ocop_sample_products()} <= codes


def test_section_and_its_rendering():
    section = ocop_sample_section(dt.date(2022, 12, 31))
    assert section["schema"] == "ntm_core.ocop-section/1"
    assert section["synthetic"] is True
    assert section["portfolio"]["grouped_by"] == "parent"
    assert section["unit_names"]["439"] == "Huyện Hương Sơn"
    items = {i["key"]: i for i in section["progress"]["items"]}
    assert items["certified_new"]["achieved"] == 58
    assert items["certified_new"]["met"]
    assert items["five_star"]["met"] is False
    lines = render_ocop_section(json.loads(json.dumps(section)))
    assert lines[0] == "OCOP — bundled Hà Tĩnh sample — SYNTHETIC DATA"
    assert any(line.startswith("  by unit (valid/rated): Thành phố Hà Tĩnh") for line in lines)
    assert any("of which 4-star products: 8/5 — met" in line for line in lines)
    assert "DỮ LIỆU GIẢ LẬP" in render_ocop_section(section, "vi")[0]
    # A later date judges the 2022 targets on 2022-12-31 (the sample's 2024 5-star does not count).
    later = ocop_sample_section(dt.date(2025, 6, 30))
    assert {i["key"]: i["achieved"] for i in later["progress"]["items"]}["five_star"] == 0
    given = ocop_section(
        dt.date(2021, 12, 31),
        products=hand_made(),
        targets=OcopTargets.from_toml(DATA / "targets.toml", year=2021),
    )
    assert given["synthetic"] is False
    assert given["portfolio"]["grouped_by"] == "commune"
    assert not any(line.startswith("  by unit") for line in render_ocop_section(given))


def run_cli(argv):
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def test_cli_json_contract_on_the_sample():
    code, text = run_cli(["ocop", "--on", "2022-12-31", "--format", "json"])
    assert code == 0
    data = json.loads(text)
    assert data["synthetic"] is True
    assert data["schema"] == "ntm_core.ocop/1"
    first = data["products"][0]
    for key in ("code", "total", "stars", "five_star_candidate", "valid_until", "valid"):
        assert key in first
    assert isinstance(first["total"], int | float)
    assert isinstance(first["stars"], int)
    candidate = next(p for p in data["products"] if p["five_star_candidate"])
    assert candidate["stars"] == 4
    assert candidate["total"] >= 90
    assert data["portfolio"]["new_by_year"]["2021"]["certified"] == 95
    assert data["progress"]["targets"]["year"] == 2022


def test_cli_table_on_a_file_with_targets():
    code, text = run_cli(["ocop", str(DATA / "products-semicolon.csv"), "--on", "2024-12-31",
                          "--targets", str(DATA / "targets.toml")])  # fmt: skip
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "GROUP", "TOTAL", "STARS", "5★", "CANDIDATE",
                                "VALID", "UNTIL", "VALID", "2024-12-31"]  # fmt: skip
    assert lines[1].startswith("T-1")
    assert lines[1].rstrip().endswith("no")
    assert "OCOP targets 2023 of Huyện Hương Sơn" in text
    code, text = run_cli(
        ["ocop", str(DATA / "products-semicolon.csv"), "--on", "2024-12-31", "--lang", "vi"]
    )
    assert "Sản phẩm OCOP đến ngày 2024-12-31" in text
    assert "Mục tiêu" not in text


def test_cli_bad_date_is_a_usage_error():
    assert run_cli(["ocop", "--on", "31/12/2022"])[0] == 2


def test_values_pickle_and_compare():
    rating = rate(product(75, code="PK"))
    assert pickle.loads(pickle.dumps(rating)) == rating
    assert type(rating).__module__ == "ntm_core.ocop"
    assert isinstance(rate_many([product(75)]), OcopBatch)


def test_typed_cells_from_python_records():
    item = OcopProduct.from_mapping({
        "code": "P", "name": "Cam", "commune_code": 18196, "group": 1, "score_a": 30.5,
        "score_b": Fraction(41, 2), "score_c": 30, "evaluated_on": dt.datetime(2021, 6, 15, 9, 0, tzinfo=dt.UTC),
        "decision_date": dt.date(2021, 7, 1), "central_recognition": True,
    })  # fmt: skip
    assert item.score_a == Fraction(61, 2)
    assert item.evaluated_on == dt.date(2021, 6, 15)
    assert item.central_recognition is True
    with pytest.raises(InputError, match="needs a name"):
        OcopProduct(code="x", name="", commune_code="1", group="1", score_a=1, score_b=1,
                    score_c=1, evaluated_on=ON_1048)  # fmt: skip
    with pytest.raises(TypeError, match=re.escape("datetime.date")):
        product(50, decision_date="2021-01-01")


def test_batch_codes_and_held_targets_without_stars(tmp_path):
    batch = rate_many(hand_made())
    assert batch.codes[:2] == ("A", "B")
    text = (DATA / "targets.toml").read_text(encoding="utf-8").replace("stars = 3\n", "")
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    targets = OcopTargets.from_toml(path, year=2021)
    stats = portfolio(batch, on=dt.date(2021, 12, 31))
    assert progress(stats, targets).items[1].achieved == stats.valid


def test_cli_table_shows_missing_values_as_a_dash(tmp_path):
    path = write_products([product(40, code="LOW")], tmp_path / "low.csv")
    code, text = run_cli(["ocop", str(path), "--on", "2021-12-31"])
    assert code == 0
    assert text.splitlines()[1].split()[-3:] == ["no", "-", "no"]


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "multiline.csv"
    path.write_text(
        "# comment\n"
        "code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
        'M-1,"Cam\nhai dòng",18196,1,30,20,30,2021-06-15\n'
        "\n"
        "M-2,Bưởi,18196,1,30,20,x,2021-06-15\n",
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as caught:
        read_products(path)
    # Comment, header, M-1 (its quoted newline stays in one row), blank, M-2: the
    # row a spreadsheet shows, as every table reader numbers rows (it was the text line, 6).
    assert [e.row for e in caught.value.exceptions] == [5]


def test_section_takes_units_as_a_snapshot_or_a_mapping_and_targets_optional():
    on = dt.date(2022, 12, 31)
    products = ocop_sample_products()
    by_snapshot = ocop_section(on, products=products, units=ocop_sample_units())
    by_mapping = ocop_section(on, products=rate_many(products), units=ocop_sample_district_of())
    assert by_snapshot["portfolio"] == by_mapping["portfolio"]
    assert by_snapshot["unit_names"]["440"] == "Huyện Đức Thọ"
    assert by_mapping["unit_names"] == {}
    assert by_snapshot["progress"] is None
    assert by_snapshot["source"] == "products given"
    assert not any(line.startswith("OCOP targets") for line in render_ocop_section(by_snapshot))
    one_set = ocop_section(on, products=products, targets=ha_tinh_ocop_targets()[0])
    assert one_set["progress"] == ocop_sample_section(on)["progress"]


def test_targets_of_year_picks_the_year_else_the_latest_before_else_the_earliest():
    sets = OcopTargets.read_all(DATA / "targets.toml") + ha_tinh_ocop_targets()
    years = sorted(t.year for t in sets)
    assert targets_of_year(sets, on=dt.date(years[-1], 5, 1)).year == years[-1]
    assert targets_of_year(sets, on=dt.date(2030, 1, 1)).year == years[-1]
    assert targets_of_year(sets, on=dt.date(2000, 1, 1)).year == years[0]
    with pytest.raises(ValueError, match="no OCOP target sets"):
        targets_of_year([], on=dt.date(2022, 1, 1))


def test_year_progress_judges_a_past_year_on_its_last_day():
    batch = rate_many(ocop_sample_products())
    targets = OcopTargets.from_toml(HA_TINH_OCOP_TARGETS, year=2022)
    late = year_progress(batch, portfolio(batch, on=dt.date(2025, 6, 30)), targets)
    assert late.on == dt.date(2022, 12, 31)
    assert late.final
    early = year_progress(batch, portfolio(batch, on=dt.date(2022, 6, 30)), targets)
    assert early.on == dt.date(2022, 6, 30)
    assert not early.final


@pytest.mark.parametrize("group", ["1", "Thực phẩm", "THỰC PHẨM", "thuc pham", "food", " Food "])
def test_groups_are_given_by_code_or_by_name_in_any_case(group):
    """Issue 13: the Vietnamese name a user writes ("Thực phẩm", any case) must be accepted."""
    item = product(75, code="F", group=group)
    assert rate(item).product.group == "1"
    batch = rate_many([item, product(75, code="D", group="đồ uống")])
    assert [p.group for p in batch.table.products] == ["1", "2"]
    assert batch.table.groups.tolist() == ["1", "2"]
    assert [r["group"] for r in batch.to_records(on=ON_1048)] == ["1", "2"]


def test_group_names_follow_the_edition_in_force():
    """Group 4 is textiles under 1048 and handicrafts under 148: a name picks the code of its edition."""
    scheme_1048 = BOOK.in_force("vn.ocop.rating", on=ON_1048).ocop
    scheme_148 = BOOK.in_force("vn.ocop.rating", on=ON_148).ocop
    name_148 = scheme_148.groups["4"][0]
    assert group_code(scheme_148, name_148.upper()) == "4"
    assert group_code(scheme_1048, name_148) != "4"
    assert group_code(scheme_148, "bananas") is None


def test_rating_errors_name_the_file_and_row(tmp_path):
    """Issue 14: errors found when rating name the file and row, not only the column."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
        "OK,Cam,18196,Thực phẩm,30,20,30,2021-06-15\n"
        "NEG,Cam,18196,1,30,-1,30,2021-06-15\n"
        "BIG,Cam,18196,1,99,20,30,2021-06-15\n"
        "GRP,Cam,18196,bananas,30,20,30,2021-06-15\n"
        "OLD,Cam,18196,1,30,20,30,2019-01-01\n",
        encoding="utf-8",
    )
    items = read_products(path)
    assert (items[1].source, items[1].row) == (str(path), 3)
    with pytest.raises(ExceptionGroup) as caught:
        rate_many(items)
    found = [(e.source, e.row, e.column) for e in caught.value.exceptions]
    assert found == [
        (str(path), 3, "score_b"),
        (str(path), 4, "score_a"),
        (str(path), 5, "group"),
        (str(path), 6, "evaluated_on"),
    ]
    for item in items[1:]:
        with pytest.raises(InputError) as one:
            rate(item)
        assert str(one.value).startswith(f"{path}, row {item.row}, column ")


def test_a_two_digit_year_is_an_error(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(
        "code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
        "Y,Cam,18196,1,30,20,30,15/06/24\n",
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as caught:
        read_products(path)
    (err,) = caught.value.exceptions
    assert (err.row, err.column) == (2, "evaluated_on")
    assert "ambiguous" in str(err)
    row = {"code": "Y", "name": "Cam", "commune_code": "18196", "group": "1", "score_a": "30",
           "score_b": "20", "score_c": "30", "evaluated_on": "15/06/2024"}  # fmt: skip
    assert OcopProduct.from_mapping(row).evaluated_on == dt.date(2024, 6, 15)


def test_codes_are_unique_without_regard_to_case(tmp_path):
    """Decision: ``P1`` and ``p1`` in one file are one code written twice, an error."""
    path = tmp_path / "case.csv"
    path.write_text(
        "code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
        "P1,Cam,18196,1,30,20,30,2021-06-15\n"
        "p1,Chè,18196,1,30,20,30,2021-06-15\n",
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as caught:
        read_products(path)
    (err,) = caught.value.exceptions
    assert (err.row, err.column, err.value) == (3, "code", "p1")
    assert "already used in row 2 (as 'P1')" in str(err)
    assert rate(product(75, code="p1")).code == "p1"  # kept as written


def test_written_product_files_neutralise_formulas_and_never_overwrite(tmp_path):
    """Issue 14.3/14.4: a hostile product name is not run by a spreadsheet; no silent overwrite."""
    import attrs

    from ntm_core.exceptions import OutputError

    hostile = attrs.evolve(product(60, code="H-1"), name='=HYPERLINK("http://x")', producer="'-x")
    path = write_products([hostile], tmp_path / "p.csv")
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8")
    assert read_products(path) == (hostile,)
    with pytest.raises(OutputError, match="the file exists"):
        write_products([hostile], path)
    write_products([hostile], path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]


def test_huge_scores_are_refused_at_once_with_the_bound(tmp_path):
    """Found by the fuzz suite (issue 14.2): a score of 1e999999999 ran for minutes."""
    import time
    from decimal import Decimal

    path = tmp_path / "p.csv"
    path.write_text(
        "code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
        "P-1,Trà,18196,1,1e999999999,20,20,2021-06-15\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    with pytest.raises(ExceptionGroup) as info:
        read_products(path)
    assert time.perf_counter() - start < 1
    (problem,) = info.value.exceptions
    assert f"{path}, row 2, column 'score_a'" in str(problem)
    assert "out of range" in str(problem)
    with pytest.raises(ValueError, match="within bounds"):
        product(parts={"A": Decimal("1e999999999"), "B": 20, "C": 20})
