"""The rulebook: editions in force by date, overlays, relative thresholds, threshold sheets."""

import ast
import datetime as dt
import itertools
from pathlib import Path

import pytest

from ntm_core import Provenance, Region, RuleNotInForceError
from ntm_core.rules import Rulebook, diff

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def book():
    return Rulebook.bundled()


@pytest.fixture
def minimal():
    return Rulebook.from_paths([DATA / "rules" / "minimal.toml"])


def test_every_bundled_file_loads(book):
    sources = {e.source for e in book}
    files = {
        str(p) for p in (Path(__file__).parents[1] / "src/ntm_core/rules/data").rglob("*.toml")
    }
    assert {Path(s).name for s in sources} == {Path(f).name for f in files}


def test_editions_never_overlap(book):
    for key in book.keys():  # noqa: SIM118 - a Rulebook iterates editions, not keys
        editions = book.editions(key)
        for a, b in itertools.pairwise(editions):
            assert a.valid_to is not None
            assert a.valid_to <= b.valid_from, (a.id, b.id)


# The instruments' dates, from shared/domain/ntm-facts.md §1 and ntm-facts-2.md §1:
# 1980/QĐ-TTg effective 2016-12-01; 318/QĐ-TTg signed and effective 2022-03-08;
# 211/QĐ-TTg dated 2024-03-01; 51/2025/QĐ-TTg effective 2026-02-15.
COMMUNE_STANDARD = [
    (dt.date(2016, 11, 30), None),
    (dt.date(2016, 12, 1), "1980/QĐ-TTg"),
    (dt.date(2022, 3, 7), "1980/QĐ-TTg"),
    (dt.date(2022, 3, 8), "318/QĐ-TTg"),
    (dt.date(2024, 2, 29), "318/QĐ-TTg"),
    (dt.date(2024, 3, 1), "211/QĐ-TTg"),
    (dt.date(2026, 2, 14), "211/QĐ-TTg"),
    (dt.date(2026, 2, 15), "51/2025/QĐ-TTg"),
    (dt.date(2030, 12, 31), "51/2025/QĐ-TTg"),
]


@pytest.mark.parametrize(("on", "instrument"), COMMUNE_STANDARD)
def test_commune_standard_in_force_follows_the_instruments(book, on, instrument):
    if instrument is None:
        with pytest.raises(RuleNotInForceError, match="nearest editions: 2016-2020"):
            book.in_force("vn.commune.standard", on=on)
    else:
        assert book.in_force("vn.commune.standard", on=on).instrument.number == instrument


def test_date_sweep_2016_to_2030_finds_at_most_one_edition_per_key(book):
    day = dt.date(2016, 1, 1)
    while day <= dt.date(2030, 12, 31):
        for key in book.keys():  # noqa: SIM118 - a Rulebook iterates editions, not keys
            in_force = [e for e in book.editions(key) if e.in_force_on(day)]
            assert len(in_force) <= 1, (key, day)
        day += dt.timedelta(days=7)


def test_period_spec_with_a_date_resolves_to_the_amended_edition(book):
    assert (
        book.get("vn.commune.standard@2021-2025", on=dt.date(2025, 1, 1)).edition == "2021-2025+211"
    )
    assert book.get("vn.commune.standard@2021-2025", on=dt.date(2023, 1, 1)).edition == "2021-2025"
    assert book.get("vn.commune.standard@2021-2025").edition == "2021-2025"
    with pytest.raises(RuleNotInForceError):
        book.get("vn.commune.standard@2021-2025", on=dt.date(2027, 1, 1))


def test_unknown_key_and_edition_suggest_alternatives(book):
    with pytest.raises(KeyError, match=r"did you mean 'vn\.commune\.standard'"):
        book.editions("vn.commune.standrd")
    with pytest.raises(KeyError, match=r"has no edition or period '2030'"):
        book.get("vn.commune.standard@2030")
    with pytest.raises(KeyError, match="names no edition"):
        book.get("vn.commune.standard")


def test_318_has_19_criteria_with_the_names_of_the_decision(book):
    """QĐ 318/QĐ-TTg Annex I: 19 criteria in 5 groups (ntm-facts.md §3)."""
    edition = book.get("vn.commune.standard@2021-2025")
    names = [c.name_vi for c in edition.criteria]
    assert len(names) == 19
    assert names[2] == "Thủy lợi và phòng, chống thiên tai"
    assert names[9] == "Thu nhập"
    assert names[10] == "Nghèo đa chiều"
    assert names[11] == "Lao động"
    assert names[12] == "Tổ chức sản xuất và phát triển kinh tế nông thôn"
    assert names[18] == "Quốc phòng và An ninh"


def test_every_bundled_threshold_has_a_citation(book):
    """National instruments are cited with number and date; a provincial set whose
    instrument is unknown, or a national set citing guidance whose date is not in the
    facts (932/QĐ-BGTVT), says so in its note instead of inventing a date."""
    for edition in book:
        for indicator, threshold in edition.thresholds():
            assert threshold.citation.number, (edition.id, indicator.key)
            if edition.key.startswith("vn"):
                note = edition.note or ""
                assert threshold.citation.date is not None or (
                    f"{threshold.citation.number}'s date is not in the facts" in note
                ), (edition.id, indicator.key)
            elif threshold.citation.date is None:
                assert "unknown" in (edition.note or ""), edition.id


def test_diff_2016_2020_to_2021_2025_shows_renamed_criteria(book):
    changes = diff(
        book.get("vn.commune.standard@2016-2020"), book.get("vn.commune.standard@2021-2025")
    )
    renamed = {c.where for c in changes.of("criterion") if c.action == "renamed"}
    assert {"3", "11", "12", "13"} <= renamed


def test_stunting_btb_is_the_ceiling_read_from_318(book):
    """318 Annex I indicator 15.3: BTB 25% (ntm-facts-2.md §2, V*)."""
    edition = book.in_force("vn.commune.standard", on=dt.date(2023, 1, 1), region=Region.BTB)
    stunting = next(i for _, i in edition.indicators() if i.code == "15.3")
    assert [t.value for t in stunting.thresholds] == [25]
    assert stunting.thresholds[0].provenance is Provenance.SECONDARY


def test_region_override_uses_the_tdmnpb_level(minimal):
    edition = minimal.in_force(
        "test.commune.standard", on=dt.date(2023, 1, 1), region=Region.BTB, year=2023,
        commune_kind="extremely_disadvantaged",
    )  # fmt: skip
    assert edition.indicator("income_per_capita").thresholds[0].value == 36


def test_most_specific_threshold_wins(minimal):
    on = dt.date(2023, 1, 1)
    btb_2022 = minimal.in_force("test.commune.standard", on=on, region=Region.BTB, year=2022)
    btb_2023 = minimal.in_force("test.commune.standard", on=on, region=Region.BTB, year=2023)
    assert str(btb_2022.indicator("income_per_capita").thresholds[0].value) == "89/2"
    assert btb_2023.indicator("income_per_capita").thresholds[0].value == 45


def test_relative_threshold_follows_its_base(tmp_path, minimal):
    model = tmp_path / "model.toml"
    model.write_text(
        """schema = "ntm_core.rules/1"
[ruleset]
key = "test.commune.model"
edition = "2021-2025"
valid_from = 2022-03-08
level = "commune"
tier = "model"
selector = "region"
title_vi = "Xã kiểu mẫu (thử)"
title_en = "Model commune (test)"
instrument = { number = "319/TEST", date = 2022-03-08 }
[[criteria]]
code = "1"
name_vi = "Thu nhập"
name_en = "Income"
[[criteria.indicators]]
key = "income_per_capita"
code = "1"
name_vi = "Thu nhập"
name_en = "Income"
kind = "numeric"
unit = "million_VND / person / year"
comparator = ">="
thresholds = [{ relative_to = { key = "test.commune.standard", indicator = "income_per_capita", factor = "1.10" }, provenance = "verified", citation = { item = "2" } }]
""",
        encoding="utf-8",
    )
    book = Rulebook.from_paths([DATA / "rules" / "minimal.toml", model])
    edition = book.in_force("test.commune.model", on=dt.date(2023, 1, 1), region=Region.TDMNPB)
    threshold = edition.indicator("income_per_capita").thresholds[0]
    assert threshold.value == pytest.approx(39.6)
    assert str(threshold.value) == "198/5"
    assert threshold.provenance is Provenance.VERIFIED
    btb = book.in_force("test.commune.model", on=dt.date(2023, 1, 1), region=Region.BTB, year=2022)
    assert btb.indicator("income_per_capita").thresholds[0].provenance is Provenance.UNVERIFIED


def test_content_hash_changes_with_the_rules(minimal, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "ruleset,indicator,region,value,citation_number,provenance\n"
        "test.commune.standard@2021-2025,stunting_under5,ĐBSH,16.5,318/QĐ-TTg,verified\n",
        encoding="utf-8",
    )
    assert (
        minimal.content_hash()
        == Rulebook.from_paths([DATA / "rules" / "minimal.toml"]).content_hash()
    )
    assert minimal.with_thresholds(sheet).content_hash() != minimal.content_hash()


def test_rules_modules_import_without_cycles():
    """Issue 9: ``_rulebook`` and ``_sheets`` imported each other; no module of ``rules`` may.

    Imports made at run time count, including those inside functions (the old
    ``_rulebook`` imported ``_sheets`` in a method to dodge the cycle); imports
    only for type annotations (``if TYPE_CHECKING:``) do not.
    """
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("ntm_core", exclude_type_checking_imports=True)
    modules = sorted(m for m in graph.modules if m.startswith("ntm_core.rules"))
    cycles = [
        (a, b)
        for a in modules
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("ntm_core.rules") and graph.chain_exists(importer=b, imported=a)
    ]
    assert cycles == []


def test_rules_modules_import_each_other_at_the_top():
    """A function-level import between ``rules`` modules hides a cycle from the check above."""
    hidden = []
    for path in sorted((Path(__file__).parents[1] / "src/ntm_core/rules").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        hidden += [
            f"{path.name}:{node.lineno} imports {node.module}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("ntm_core.rules")
            and id(node) not in top
            and not _under_type_checking(tree, node)
        ]
    assert hidden == []


def _under_type_checking(tree, target):
    return any(
        isinstance(node, ast.If)
        and getattr(node.test, "id", None) == "TYPE_CHECKING"
        and target in node.body
        for node in tree.body
    )


def test_an_editions_fingerprint_is_computed_once_and_cannot_be_set():
    # assess() and explain() key their compiled plans by fingerprints: hashing
    # an edition again on every call cost milliseconds a call.
    import attrs as _attrs

    edition = Rulebook.bundled().get("vn.commune.standard@2021-2025")
    first = edition.fingerprint
    assert first.startswith("sha256:")
    assert edition.fingerprint is first
    with pytest.raises(_attrs.exceptions.FrozenInstanceError):
        edition.fingerprint = "sha256:0"  # type: ignore[misc]
