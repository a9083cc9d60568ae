"""The bundled Hà Tĩnh sample as plain files: :func:`export_sample`.

The public name is re-exported, and documented, by :mod:`ntm_core.datasets`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from ntm_core.datasets._ocop import HA_TINH_OCOP_TARGETS, OCOP_SAMPLE_PRODUCTS
from ntm_core.exceptions import InputError

__all__ = ["export_sample"]

_HA_TINH = Path(__file__).parent / "ha_tinh"

_SAMPLE_FILES: Mapping[str, Path] = MappingProxyType(
    {
        "observations.csv": _HA_TINH / "sample-observations.csv",
        "units.csv": _HA_TINH / "units.csv",
        "thresholds.csv": _HA_TINH / "sample-thresholds.csv",
        "recognitions.csv": _HA_TINH / "recognitions.csv",
        "residential-areas.csv": _HA_TINH / "residential-areas.csv",
        "targets.toml": _HA_TINH / "targets.toml",
        "ocop-products.csv": OCOP_SAMPLE_PRODUCTS,
        "ocop-targets.toml": HA_TINH_OCOP_TARGETS,
        "SAMPLE.md": _HA_TINH / "SAMPLE.md",
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
    existing = [p.name for p in paths if p.exists() or p.is_symlink()]
    if existing and not force:
        msg = f"would overwrite {', '.join(existing)}; pass force=True (--force) to overwrite"
        raise InputError(msg, source=str(target), value=existing)
    target.mkdir(parents=True, exist_ok=True)
    for path, source in zip(paths, _SAMPLE_FILES.values(), strict=True):
        _copy_whole(source, path)
    return paths


def _copy_whole(source: Path, path: Path) -> None:
    """Copy ``source`` to ``path`` whole or not at all.

    A unique temporary file beside ``path`` is renamed over it (a reader never
    sees half a file) and removed on any failure, as ``ntm``'s own writers do.
    """
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream, source.open("rb") as data:
            shutil.copyfileobj(data, stream)
        Path(name).replace(path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
