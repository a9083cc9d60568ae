"""OCOP results as users see them: reprs, notebook HTML, text, frames, workbooks, the stars plot,
and ``ntm ocop --format xlsx``."""

import datetime as dt
import html.parser
import io

import matplotlib
import pytest

from ntm_core import InputError
from ntm_core.cli import main
from ntm_core.datasets import ha_tinh_ocop_targets, ocop_sample_products
from ntm_core.exceptions import MissingDependencyError, OutputError
from ntm_core.ocop import OcopProduct, portfolio, rate, rate_many, year_progress

matplotlib.use("Agg")
openpyxl = pytest.importorskip("openpyxl")
ON = dt.date(2024, 12, 31)


class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.cells, self._open = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in {"td", "th"}:
            self._open = True
            self.cells.append("")

    def handle_endtag(self, tag):
        self._open = self._open and tag not in {"td", "th"}

    def handle_data(self, data):
        if self._open:
            self.cells[-1] += data


def parse(text):
    parser = Cells()
    parser.feed(text)
    return parser


@pytest.fixture(scope="module")
def batch():
    return rate_many(ocop_sample_products())


@pytest.fixture(scope="module")
def stats(batch):
    return portfolio(batch, on=ON)


@pytest.fixture(scope="module")
def progress(batch, stats):
    targets = next(t for t in ha_tinh_ocop_targets() if t.year == 2022)
    return year_progress(batch, stats, targets)


def product():
    return OcopProduct.from_mapping({
        "code": "SYN-1", "name": "Cam Tùng Châu", "commune_code": "18241", "group": "1",
        "score_a": "33", "score_b": "20", "score_c": "38", "evaluated_on": "2022-03-31",
    })  # fmt: skip


def test_rating_repr_html_text_and_frame():
    rating = rate(product())
    text = repr(rating)
    assert len(text) < 300
    assert "code=SYN-1" in text
    assert "stars=4" in text
    assert "five_star_candidate=True" in text
    page = parse(rating._repr_html_())
    assert "details" in page.tags
    assert "Total" in page.cells
    assert "91" in page.cells
    assert rating.to_text(lang="vi") == rating.explain("vi")
    frame = rating.to_frame()
    assert frame.loc[0, "total"] == 91.0
    assert frame.loc[0, "stars"] == 4
    with pytest.raises(InputError):
        rating.to_text(lang="de")


def test_batch_repr_html_and_text(batch):
    text = repr(batch)
    assert len(text) < 300
    assert f"products={len(batch)}" in text
    page = parse(batch._repr_html_())
    assert "table" in page.tags
    assert page.cells[0] == "Code"
    assert sum(1 for c in page.cells if c.startswith("SYN-")) == 20
    table = batch.to_text(on="2024-12-31", lang="vi").splitlines()
    assert table[0].split()[:2] == ["MÃ", "TÊN"]
    assert table[0].endswith("CÒN HIỆU LỰC 2024-12-31")
    assert len(table) == len(batch) + 1
    assert batch.to_text().splitlines()[0].endswith("VALID UNTIL")


def test_batch_dict_and_frames(batch):
    data = batch.to_dict(on="2024-12-31")
    assert data["on"] == "2024-12-31"
    assert len(data["products"]) == len(batch)
    frame = batch.to_frame(on=ON)
    assert len(frame) == len(batch)
    assert int(frame["valid"].sum()) == int(batch.valid_on(ON).sum())
    assert "valid" not in batch.to_frame().columns
    with pytest.raises(InputError, match="on="):
        batch.to_frame(on="31/12/2024")


def test_batch_workbook_products_portfolio_and_progress(batch, tmp_path):
    path = tmp_path / "ocop.xlsx"
    batch.to_excel(path, on=ON, targets=ha_tinh_ocop_targets(), lang="vi")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Sản phẩm", "Tổng hợp", "Theo số sao", "Theo nhóm", "Theo đơn vị", "Theo năm",
        "Mục tiêu 2022",
    ]  # fmt: skip
    products = book["Sản phẩm"]
    assert products.freeze_panes == "A2"
    header = [c.value for c in products[1]]
    assert header[:2] == ["Mã", "Tên sản phẩm"]
    assert "Còn hiệu lực ngày 2024-12-31" in header
    total = header.index("Tổng điểm")
    assert isinstance(products.cell(row=2, column=total + 1).value, int | float)
    with pytest.raises(OutputError, match="exists"):
        batch.to_excel(path)
    batch.to_excel(path, force=True)
    assert openpyxl.load_workbook(path).sheetnames == ["Products"]


def test_portfolio_repr_html_text_frames_and_workbook(stats, tmp_path):
    text = repr(stats)
    assert len(text) < 300
    assert "on=2024-12-31" in text
    assert "products=351" in text
    page = parse(stats._repr_html_())
    assert "Stars" in page.cells
    assert stats.to_text(lang="vi").splitlines()[0].startswith("Sản phẩm OCOP đến ngày")
    frames = stats.to_frame()
    assert list(frames) == ["stars", "groups", "units", "years"]
    assert dict(zip(frames["stars"]["stars"], frames["stars"]["products"], strict=True)) == dict(
        stats.by_stars
    )
    assert frames["groups"]["products"].sum() == stats.products
    path = tmp_path / "p.xlsx"
    stats.to_excel(path)
    rows = list(openpyxl.load_workbook(path)["By stars"].values)
    assert rows[0] == ("Stars", "Products", "Valid certificates")
    assert rows[1][:2] == (5, stats.by_stars[5])


def test_portfolio_plot_stars_bars(stats):
    import matplotlib.pyplot as plt

    _, given = plt.subplots()
    ax = stats.plot.stars(ax=given)
    assert ax is given
    heights = [int(b.get_height()) for b in ax.patches]
    n = len(stats.by_stars)
    assert heights[:n] == list(stats.by_stars.values())
    assert heights[n:] == [stats.valid_by_stars.get(k, 0) for k in stats.by_stars]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{k}★" for k in stats.by_stars]
    assert stats.plot.stars(lang="vi").get_ylabel() == "Số sản phẩm"


def test_progress_repr_html_text_frame_and_workbook(progress, tmp_path):
    text = repr(progress)
    assert len(text) < 300
    assert "year=2022" in text
    page = parse(progress._repr_html_())
    assert "✓ met" in page.cells
    assert "✗ not met" in page.cells
    assert progress.to_text().startswith("OCOP targets 2022")
    frame = progress.to_frame()
    assert list(frame["met"]) == [i.met for i in progress.items]
    path = tmp_path / "t.xlsx"
    progress.to_excel(path, lang="vi")
    rows = list(openpyxl.load_workbook(path)["Mục tiêu 2022"].values)
    assert rows[0][:3] == ("Mục tiêu", "Phấn đấu", "Tối thiểu")


def test_frames_without_pandas_say_how_to_install(stats, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"ntm-core\[pandas\]"):
        stats.to_frame()


def test_cli_ocop_xlsx(tmp_path, capsys):
    path = tmp_path / "o.xlsx"
    argv = ["ocop", "--on", "2024-12-31", "--lang", "vi", "--format", "xlsx", "-o", str(path)]
    assert main(argv, out=io.StringIO()) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Sản phẩm"
    assert "Mục tiêu 2022" in book.sheetnames
    assert main(argv, out=io.StringIO()) == 2  # exists
    assert main(["ocop", "--on", "2024-12-31", "--format", "xlsx"], out=io.StringIO()) == 2
    assert "give -o FILE.xlsx" in capsys.readouterr().err
    text = tmp_path / "o.txt"
    assert main(["ocop", "--on", "2024-12-31", "-o", str(text)], out=io.StringIO()) == 0
    assert text.read_text(encoding="utf-8").startswith("CODE ")
