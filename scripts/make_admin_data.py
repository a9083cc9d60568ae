"""Build the bundled Hà Tĩnh administrative data from the shared GSO-derived tables.

Reads ``units-2020.csv``, ``units-2025-01.csv``, ``units-2025-07.csv`` and
``lineage-2025-07.csv`` (see ``../shared/data/README.md``) and writes
``src/ntm_core/datasets/ha_tinh/units.csv`` and ``lineage.csv``:

* one record per unit and per form: a unit whose code, name, level and parent
  stay the same from one state to the next is one record with a longer
  validity; a change of name, level or parent starts a new record that day;
* every unit gets the attribute ``region=BTB`` (Hà Tĩnh is in Bắc Trung Bộ);
* the July 2025 lineage gets its date (``on=2025-07-01``);
* one spelling of the 2020 list is aligned with the 2025 sources (``SPELLING_2020``).

The 2025-01-01 step has no machine-readable lineage and none is made up.

The script checks the result by building the tree and counting its units, and
prints what changed on 2025-01-01 so it can be compared with the README.

Run: python scripts/make_admin_data.py [SHARED_HA_TINH_DIR]
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import attrs

from ntm_core.admin import (
    AdminLevel,
    AdminTree,
    AdminUnit,
    load_lineage_csv,
    load_units_csv,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "ha-tinh"
TARGET = ROOT / "src" / "ntm_core" / "datasets" / "ha_tinh"

START_2020 = dt.date(2020, 1, 1)
START_2025_01 = dt.date(2025, 1, 1)
START_2025_07 = dt.date(2025, 7, 1)
REGION = "BTB"
UNIT_COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to", "region",
                "lat", "lon", "area_km2")  # fmt: skip
LINEAGE_COLUMNS = ("old_code", "new_code", "share", "default", "on")
# Spellings of the 2020 list that the 2025 sources correct: the same unit, not a
# rename, so it stays one record. Documented in the dataset README.
SPELLING_2020 = {("18391", "Xã Cỗ Đạm"): "Xã Cổ Đạm"}


def read_states(source: Path) -> list[tuple[AdminUnit, ...]]:
    """The three states, each unit valid over its state's interval."""
    state_2020 = tuple(
        attrs.evolve(u, name=SPELLING_2020.get((u.code, u.name), u.name))
        for u in load_units_csv(
            source / "units-2020.csv", valid_from=START_2020, valid_to=START_2025_01
        )
    )
    return [
        state_2020,
        load_units_csv(
            source / "units-2025-01.csv", valid_from=START_2025_01, valid_to=START_2025_07
        ),
        load_units_csv(source / "units-2025-07.csv", valid_from=START_2025_07),
    ]


def same_form(a: AdminUnit, b: AdminUnit) -> bool:
    """Whether two records describe the unit in the same form (code, name, level, parent)."""
    return (a.code, a.name, a.level, a.parent_code) == (b.code, b.name, b.level, b.parent_code)


def merge(states: list[tuple[AdminUnit, ...]]) -> list[AdminUnit]:
    """Join each unit's records of consecutive states when its form does not change."""
    open_records: dict[str, AdminUnit] = {}
    done: list[AdminUnit] = []
    for state in states:
        seen: set[str] = set()
        for unit in state:
            if unit.code in seen:
                msg = f"code {unit.code!r} appears twice in one state"
                raise SystemExit(msg)
            seen.add(unit.code)
            previous = open_records.get(unit.code)
            if (
                previous is not None
                and previous.valid_to == unit.valid_from
                and same_form(previous, unit)
            ):
                attributes = dict(previous.attributes)
                for key, value in unit.attributes.items():
                    if attributes.setdefault(key, value) != value:
                        msg = f"unit {unit.code!r}: {key} is {attributes[key]!r} then {value!r}"
                        raise SystemExit(msg)
                open_records[unit.code] = AdminUnit(
                    code=unit.code, name=unit.name, level=unit.level,
                    parent_code=unit.parent_code, valid_from=previous.valid_from,
                    valid_to=unit.valid_to, attributes=attributes,
                )  # fmt: skip
                continue
            if previous is not None:
                done.append(previous)
            open_records[unit.code] = unit
        done.extend(open_records.pop(c) for c in [c for c in open_records if c not in seen])
    done.extend(open_records.values())
    return [
        AdminUnit(
            code=u.code,
            name=u.name,
            level=u.level,
            parent_code=u.parent_code,
            valid_from=u.valid_from,
            valid_to=u.valid_to,
            attributes={**u.attributes, "region": REGION},
        )
        for u in sorted(done, key=lambda u: (u.valid_from or dt.date.min, u.level.rank, u.code))
    ]


def unit_row(unit: AdminUnit) -> dict[str, str]:
    """The row of ``units.csv`` for one record."""
    row = {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level.value,
        "parent_code": unit.parent_code or "",
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else "",
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else "",
    }
    extra = set(unit.attributes) - set(UNIT_COLUMNS)
    if extra:
        msg = f"unit {unit.code!r}: unexpected attributes {sorted(extra)}"
        raise SystemExit(msg)
    row.update({key: unit.attributes.get(key, "") for key in UNIT_COLUMNS[6:]})
    return row


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    """Write UTF-8 CSV with Unix line ends, so the files diff cleanly."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def report_2025_01(states: list[tuple[AdminUnit, ...]]) -> None:
    """Print what the 2025-01-01 step changed, for comparison with the README."""
    old = {u.code: u for u in states[0]}
    new = {u.code: u for u in states[1]}
    print("2025-01-01 step (no lineage recorded):")
    print("  gone:", ", ".join(f"{c} {old[c].name}" for c in sorted(old.keys() - new.keys())))
    print("  new: ", ", ".join(f"{c} {new[c].name}" for c in sorted(new.keys() - old.keys())))
    for code in sorted(old.keys() & new.keys()):
        a, b = old[code], new[code]
        changes = []
        if a.name != b.name:
            changes.append(f"name {a.name} → {b.name}")
        if a.level is not b.level:
            changes.append(f"level {a.level.value} → {b.level.value}")
        if a.parent_code != b.parent_code:
            changes.append(f"parent {a.parent_code} → {b.parent_code}")
        if changes:
            print(f"  {code}: " + "; ".join(changes))


def check(tree: AdminTree) -> None:
    """Check the counts the README and the issue state."""
    district = AdminLevel.of_rank(1)
    commune = AdminLevel.of_rank(2)
    expected = {
        dt.date(2024, 6, 1): (13, 216),
        dt.date(2025, 3, 1): (12, 209),
        dt.date(2025, 8, 1): (0, 69),
    }
    for on, (districts, communes) in expected.items():
        snap = tree.as_of(on)
        got = (
            len(snap.descendants("42", level=district)),
            len(snap.descendants("42", level=commune)),
        )
        if got != (districts, communes):
            msg = f"{on}: expected {(districts, communes)} (district, commune) units, got {got}"
            raise SystemExit(msg)
        print(f"  {on}: {got[0]} district-level, {got[1]} commune-level units")


def main(argv: list[str]) -> int:
    """Build, check and write the bundled data."""
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    states = read_states(source)
    units = merge(states)
    links = load_lineage_csv(source / "lineage-2025-07.csv", on=START_2025_07)
    tree = AdminTree.from_units(units, lineage=links)
    report_2025_01(states)
    check(tree)
    TARGET.mkdir(parents=True, exist_ok=True)
    write_csv(TARGET / "units.csv", UNIT_COLUMNS, [unit_row(u) for u in units])
    write_csv(
        TARGET / "lineage.csv",
        LINEAGE_COLUMNS,
        [
            {
                "old_code": link.old_code,
                "new_code": link.new_code,
                "share": link.share.value,
                "default": "yes" if link.default else "no",
                "on": link.on.isoformat(),
            }
            for link in links
        ],
    )
    print(f"wrote {len(units)} unit records and {len(links)} lineage links to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
