"""Loading rule files: every malformed file is rejected with a message naming the problem."""

from pathlib import Path

import pytest

from ntm_core.exceptions import RuleDefinitionError
from ntm_core.rules import AllOf, Check, Comparator, IndicatorKind, Rulebook, When

DATA = Path(__file__).parent / "data"
BAD = sorted((DATA / "bad_rules").glob("*.toml"))


def expected_message(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            return line.removeprefix("# expect: ")
    raise AssertionError(f"{path} says nothing about what it expects")


def test_there_are_at_least_a_dozen_malformed_files():
    assert len(BAD) >= 12


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_malformed_file_is_rejected_with_a_message_naming_the_problem(path):
    with pytest.raises(ExceptionGroup) as info:
        Rulebook.from_paths([path])
    messages = [str(e) for e in info.value.exceptions]
    assert all(isinstance(e, RuleDefinitionError) for e in info.value.exceptions)
    assert all(m.startswith(str(path)) for m in messages), messages
    assert any(expected_message(path) in m for m in messages), messages


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    text = (DATA / "rules" / "minimal.toml").read_text(encoding="utf-8")
    text = text.replace('unit = "percent"', 'unit = "km"').replace("value = 45\n", 'value = "x"\n')
    text = text.replace("valid_to = 2026-02-15", "valid_too = 2026-02-15")
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExceptionGroup) as info:
        Rulebook.from_paths([path])
    messages = " | ".join(str(e) for e in info.value.exceptions)
    assert "not 'km'" in messages
    assert "expected a number, got 'x'" in messages
    assert "unknown key (did you mean 'valid_to'?)" in messages


def test_minimal_file_loads_into_the_model():
    book = Rulebook.from_paths([DATA / "rules" / "minimal.toml"])
    edition = book.get("test.commune.standard@2021-2025")
    income = edition.indicator("income_per_capita")
    assert income.kind is IndicatorKind.NUMERIC
    assert income.comparator is Comparator.GE
    assert [str(t.value) for t in income.thresholds] == ["45", "36", "89/2"]
    assert income.thresholds[0].citation.number == "0/TEST"
    assert income.thresholds[0].citation.item == "10"
    criterion = edition.criterion("13")
    assert criterion.condition == AllOf(
        children=[
            Check(key="coop_effective"),
            When(applies="has_traditional_craft", then=Check(key="craft_conservation_plan")),
        ]
    )
    assert edition.indicator("13.1").key == "coop_effective"


def test_a_citation_of_another_instrument_does_not_borrow_the_files_date(tmp_path):
    """Decision 320's transport criterion is cited to guidance 932/QĐ-BGTVT, whose date is unknown."""
    text = (DATA / "rules" / "minimal.toml").read_text(encoding="utf-8")
    text = text.replace(
        'citation = { item = "10" }', 'citation = { number = "9/GUIDE", item = "10" }', 1
    )
    path = tmp_path / "guided.toml"
    path.write_text(text, encoding="utf-8")
    edition = Rulebook.from_paths([path]).get("test.commune.standard@2021-2025")
    guided, own = edition.indicator("income_per_capita").thresholds[:2]
    assert (guided.citation.number, guided.citation.date, guided.citation.annex) == (
        "9/GUIDE",
        None,
        None,
    )
    assert (own.citation.number, str(own.citation.date), own.citation.annex) == (
        "0/TEST",
        "2022-03-08",
        "I",
    )


def test_overlay_that_refines_a_missing_edition_is_rejected(tmp_path):
    path = tmp_path / "overlay.toml"
    path.write_text(
        'schema = "ntm_core.rules/1"\n[ruleset]\nkey = "x"\nedition = "e"\nrefines = "nope@1"\n',
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup, match="problem") as info:
        Rulebook.from_paths([path])
    assert "refines 'nope@1', which is not a loaded edition" in str(info.value.exceptions[0])


def test_the_same_edition_twice_is_rejected(tmp_path):
    path = DATA / "rules" / "minimal.toml"
    copy = tmp_path / "copy.toml"
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ExceptionGroup) as info:
        Rulebook.from_paths([path, copy])
    assert "is also defined in" in str(info.value.exceptions[0])


def test_overlapping_editions_are_rejected(tmp_path):
    text = (DATA / "rules" / "minimal.toml").read_text(encoding="utf-8")
    later = text.replace('edition = "2021-2025"', 'edition = "2024"').replace(
        "valid_from = 2022-03-08", "valid_from = 2024-01-01"
    )
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b.toml").write_text(later, encoding="utf-8")
    with pytest.raises(ExceptionGroup, match="overlapping editions") as info:
        Rulebook.from_paths(sorted(tmp_path.glob("*.toml")))
    assert "editions overlap: 2021-2025 (2022-03-08 – 2026-02-15) and 2024" in str(
        info.value.exceptions[0]
    )
