"""Shared helpers of the io tests: the bundled catalog, files to read, sample tables."""

import csv
from fractions import Fraction

from ntm_core.engine import IndicatorCatalog
from ntm_core.rules import Rulebook

EDITIONS = (
    "vn.commune.standard@2021-2025",
    "vn.commune.advanced@2021-2025",
    "vn.commune.model@2021-2025",
)


def bundled_catalog():
    """The indicators of the bundled commune editions of 2021-2025."""
    book = Rulebook.bundled()
    return IndicatorCatalog.from_editions([book.get(e) for e in EDITIONS])


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_rows(tmp_path, name, rows, delimiter=","):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def content(observations):
    """Everything observed, by (code, period): values and attributes, order-free."""
    out = {}
    for row in range(len(observations)):
        values = {
            key: observations.value(key, row)
            for key in observations.columns
            if observations.value(key, row) is not None
        }
        attributes = {
            name: values_[row]
            for name, values_ in observations.attributes.items()
            if values_[row] is not None
        }
        out[observations.codes[row], observations.periods[row]] = (values, attributes)
    return out


def problems(excinfo):
    """The messages of an ExceptionGroup, as strings."""
    return [str(e) for e in excinfo.value.exceptions]


def only_problem(excinfo):
    (error,) = excinfo.value.exceptions
    return error


WIDE = (
    "unit_code,period,name,region,income_per_capita [đồng/người/năm],15.3,"
    "health_insurance_coverage,commune_plan_approved,green_land_per_person\n"
    "18073,2024,Phường Nam Hà,BTB,45000001,12.5,850/1000,Đạt,\n"
    "18074,2024,Xã Thạch Hạ,BTB,,85%,90,Không đạt,4.5\n"
)

LONG = (
    "unit_code,period,indicator,value,unit,source\n"
    "18073,2024,income_per_capita,45.000001,triệu đồng/người/năm,survey\n"
    "18073,2024,stunting_under5,12.5,,\n"
    "18073,2024,health_insurance_coverage,85,%,\n"
    "18073,2024,1.1,Đạt,,\n"
    "18074,2024,stunting_under5,85,,\n"
    "18074,2024,health_insurance_coverage,90,,\n"
    "18074,2024,commune_plan_approved,không đạt,,\n"
    "18074,2024,17.4,4.5,m²/người,\n"
)

EXPECTED = {
    ("18073", 2024): {
        "income_per_capita": Fraction(45000001, 1000000),
        "stunting_under5": Fraction(25, 2),
        "health_insurance_coverage": Fraction(85),
        "commune_plan_approved": True,
    },
    ("18074", 2024): {
        "stunting_under5": Fraction(85),
        "health_insurance_coverage": Fraction(90),
        "commune_plan_approved": False,
        "green_land_per_person": Fraction(9, 2),
    },
}
