"""Data sets bundled with ntm_core: real administrative units, and the Hà Tĩnh sample.

The data are package files, read without network access and without the
repository's ``shared`` folder. Their sources and licences are in the
``README.md`` beside each data set. The sample's indicator values,
recognition decisions (other than three verified ones), model residential
areas and OCOP products are **SYNTHETIC** (``ha_tinh/SAMPLE.md``);
:func:`export_sample` writes them as plain files for the ``ntm`` commands.

>>> import datetime as dt
>>> from ntm_core.datasets import ha_tinh_tree
>>> tree = ha_tinh_tree()
>>> tree.as_of(dt.date(2024, 6, 1))
<AdminSnapshot on 2024-06-01: 230 units (1 province-level, 13 district-level, 216 commune-level)>
>>> tree.as_of(dt.date(2025, 8, 1))
<AdminSnapshot on 2025-08-01: 70 units (1 province-level, 69 commune-level)>

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from ntm_core._core import publish
from ntm_core.admin import AdminTree, load_lineage_csv, load_units_csv
from ntm_core.exceptions import InputError

__all__ = ["HA_TINH_DIR", "export_sample", "ha_tinh_tree"]


HA_TINH_DIR = Path(__file__).parent / "ha_tinh"
"""Where the bundled Hà Tĩnh files live (``units.csv``, ``lineage.csv``, ``README.md``)."""


@functools.cache
def ha_tinh_tree() -> AdminTree:
    """Hà Tĩnh's administrative tree from 2020-01-01, with the lineage of 2025-07-01.

    The province (GSO code ``42``) with its 13 district-level and 216
    commune-level units (2020-01-01 – 2024-12-31), its 12 and 209 units
    (2025-01-01 – 2025-06-30), and from 2025-07-01 its 69 communes and wards
    directly under the province. Every unit has the attribute ``region=BTB``;
    commune-level units of 2025 have ``lat`` and ``lon`` (and ``area_km2``
    from 2025-07-01).

    Lineage is recorded only for 2025-07-01: the 2025-01-01 step
    (Resolution 1283/NQ-UBTVQH15) has no machine-readable lineage, so
    carrying results across it raises an error instead of guessing.

    The tree is built once and cached; it is immutable.

    .. versionadded:: 0.1.0
    """
    units = load_units_csv(HA_TINH_DIR / "units.csv")
    lineage = load_lineage_csv(HA_TINH_DIR / "lineage.csv")
    return AdminTree.from_units(units, lineage=lineage)


_OCOP_DIR = Path(__file__).parent / "ocop"

_SAMPLE_FILES: Mapping[str, Path] = MappingProxyType(
    {
        "observations.csv": HA_TINH_DIR / "sample-observations.csv",
        "units.csv": HA_TINH_DIR / "units.csv",
        "thresholds.csv": HA_TINH_DIR / "sample-thresholds.csv",
        "recognitions.csv": HA_TINH_DIR / "recognitions.csv",
        "residential-areas.csv": HA_TINH_DIR / "residential-areas.csv",
        "targets.toml": HA_TINH_DIR / "targets.toml",
        "ocop-products.csv": _OCOP_DIR / "ha-tinh-products.csv",
        "ocop-targets.toml": _OCOP_DIR / "targets-ha-tinh.toml",
        "SAMPLE.md": HA_TINH_DIR / "SAMPLE.md",
    }
)
"""The files :func:`export_sample` writes (name in the directory → bundled file)."""


def export_sample(directory: str | os.PathLike[str], *, force: bool = False) -> list[Path]:
    """Write the bundled Hà Tĩnh sample as plain files that the ``ntm`` commands read back.

    The files are the sample's own, unchanged:
    observations in the wide layout with ``name``, ``level`` and ``region``
    columns (periods 2020–2024), the administrative units, the illustrative
    threshold sheet, recognition decisions, model residential areas, plan
    targets, OCOP products and targets, and ``SAMPLE.md`` saying what is
    real and what is SYNTHETIC. Each command reads them as they are, e.g.
    ``ntm readiness DIR/observations.csv --on 2021-12-31 --units DIR/units.csv
    --thresholds DIR/thresholds.csv --recognitions DIR/recognitions.csv
    --residential-areas DIR/residential-areas.csv --targets DIR/targets.toml
    --products DIR/ocop-products.csv`` gives the report of ``ntm readiness
    --on 2021-12-31``, and ``ntm assess DIR/observations.csv --on 2022-12-31
    --scope ha-tinh --thresholds DIR/thresholds.csv`` that of ``ntm assess
    --on 2022-12-31``.

    Args:
        directory: Where to write; created if missing.
        force: Overwrite files that exist. Without it nothing is written when
            any of the files exists.

    Returns:
        The paths written, observations.csv, units.csv, thresholds.csv, recognitions.csv,
        residential-areas.csv, targets.toml, ocop-products.csv, ocop-targets.toml, SAMPLE.md.

    Raises:
        InputError: If a file exists and ``force`` is false, or ``directory``
            is a file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in export_sample(tmp)][:3]
    ['observations.csv', 'units.csv', 'thresholds.csv']

    .. versionadded:: 0.2.0
    """
    target = Path(directory)
    if target.exists() and not target.is_dir():
        msg = "is not a directory; expected a directory to write the sample into"
        raise InputError(msg, source=str(target))
    paths = [target / name for name in _SAMPLE_FILES]
    existing = [p.name for p in paths if p.exists()]
    if existing and not force:
        msg = f"would overwrite {', '.join(existing)}; pass force=True (--force) to overwrite"
        raise InputError(msg, source=str(target), value=existing)
    target.mkdir(parents=True, exist_ok=True)
    for path, source in zip(paths, _SAMPLE_FILES.values(), strict=True):
        partial = path.with_name(path.name + ".partial")
        shutil.copyfile(source, partial)
        partial.replace(path)  # atomic: a reader never sees half a file
    return paths


publish(globals(), __all__)  # documented (and pickled) under this module's name
