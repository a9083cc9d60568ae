"""The official bands of "criteria met" that NTM reports count units in.

Reports group communes by how many of the 19 national criteria they meet:
all 19; 15–18; 10–14; 5–9; under 5. An assessment result draws its histogram
in these bands and readiness reports count communes in them, so the bands
live here, below both.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["band_edges", "band_labels", "band_of"]


def band_edges(total: int) -> tuple[tuple[int, int], ...]:
    """The report bands for a set of ``total`` criteria (19 → the official bands), highest first.

    The top band is "all criteria"; the others keep the official lower edges
    15, 10, 5 and 0, so a 20-criterion provincial set (Hà Tĩnh) reads
    20; 15–19; 10–14; 5–9; under 5.

    >>> band_edges(19)
    ((19, 19), (15, 18), (10, 14), (5, 9), (0, 4))
    >>> band_edges(9)
    ((9, 9), (0, 8))
    """
    if total < 16:
        return ((total, total), (0, total - 1))
    return ((total, total), (15, total - 1), (10, 14), (5, 9), (0, 4))


def band_labels(total: int) -> tuple[str, ...]:
    """Labels of :func:`band_edges`: ``"19"``, ``"15–18"``, … ``"<5"``.

    >>> band_labels(20)
    ('20', '15–19', '10–14', '5–9', '<5')
    """
    out = []
    for low, high in band_edges(total):
        if low == high:
            out.append(str(low))
        elif low == 0:
            out.append(f"<{high + 1}")
        else:
            out.append(f"{low}–{high}")
    return tuple(out)


def band_of(met: npt.NDArray[np.int64], total: int) -> npt.NDArray[np.intp]:
    """The band index (into :func:`band_edges`) of each count of criteria met."""
    lows = np.array([low for low, _ in band_edges(total)])
    # bands are ordered high to low: the first band whose lower edge is <= met
    bands: npt.NDArray[np.intp] = np.argmax(met[:, None] >= lows[None, :], axis=1).astype(np.intp)
    return bands
