"""Builders shared by the tests of ``ntm_core.admin``: units, links and a small hand-made tree."""

import collections
import datetime as dt

from ntm_core.admin import AdminLevel, AdminTree, AdminUnit, LineageLink, LineageShare

START = dt.date(2020, 1, 1)
JAN_2025 = dt.date(2025, 1, 1)
REFORM = dt.date(2025, 7, 1)
DISTRICT_LEVEL = AdminLevel.of_rank(1)
COMMUNE_LEVEL = AdminLevel.of_rank(2)


def unit(code, name, level, parent=None, *, start=START, end=None, **attributes):
    return AdminUnit(
        code=code, name=name, level=AdminLevel(level), parent_code=parent,
        valid_from=start, valid_to=end, attributes=attributes,
    )  # fmt: skip


def link(old, new, share="whole", default=True, on=REFORM):
    return LineageLink(
        old_code=old, new_code=new, share=LineageShare(share), default=default, on=on
    )


def level_counts(units):
    return collections.Counter(u.level.value for u in units)


def make_small_tree():
    """Province 42 with districts 1 (communes 11, 12, 13) and 2 (communes 21, 22) until the reform.

    On 2025-07-01 the districts go; 11, 12 and 13 become the new commune 11, 22 is split between
    11 (its default successor) and 21, and 21 takes the rest of 22 and all of 21.
    """
    units = [
        unit("42", "Tỉnh A", "province"),
        unit("1", "Huyện B", "district", "42", end=REFORM),
        unit("2", "Thị xã C", "town", "42", end=REFORM),
        unit("11", "Xã D", "commune", "1", end=REFORM),
        unit("12", "Xã E", "commune", "1", end=REFORM),
        unit("13", "Thị trấn F", "township", "1", end=REFORM),
        unit("21", "Phường G", "ward", "2", end=REFORM),
        unit("22", "Xã H", "commune", "2", end=REFORM),
        unit("11", "Xã D Mới", "commune", "42", start=REFORM),
        unit("21", "Phường G", "ward", "42", start=REFORM),
    ]
    lineage = [
        link("11", "11"),
        link("12", "11"),
        link("13", "11"),
        link("21", "21"),
        link("22", "11", "part", default=True),
        link("22", "21", "part", default=False),
    ]
    return AdminTree.from_units(units, lineage=lineage)
