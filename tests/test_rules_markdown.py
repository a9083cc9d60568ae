"""The generated reference page of a rule set."""

from ntm_core.rules import Rulebook
from ntm_core.rules._markdown import ruleset_markdown


def test_page_of_318_lists_criteria_thresholds_and_citations():
    page = ruleset_markdown(Rulebook.bundled().get("vn.commune.standard@2021-2025"))
    assert page.startswith("# vn.commune.standard@2021-2025\n")
    assert "| 10 | Thu nhập | Income |" in page
    assert "| 15.3 | `stunting_under5` |" in page
    assert "<= 25 percent | region BTB | secondary | 318/QĐ-TTg of 2022-03-08" in page
    assert "use the TDMNPB level" in page


def test_page_of_ocop_2023_shows_the_score_sheet():
    page = ruleset_markdown(Rulebook.bundled().get("vn.ocop.rating@2023"))
    assert "| A | Sản phẩm và sức mạnh cộng đồng | Product and community strength | 40 |" in page
    assert "Certificates are valid for 36 months." in page


def test_cells_escape_pipes():
    from ntm_core._core.display import markdown_cell

    assert markdown_cell("a|b\nc") == "a\\|b c"
