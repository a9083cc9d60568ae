"""Running chunks of draws on Dask (``dask.distributed``, the optional extra ``dask``).

``scheduler="dask"`` starts a local cluster for the run and closes it after;
an address (``"tcp://127.0.0.1:8786"``) connects to a running scheduler on
this machine; a ``distributed.Client`` is used as given. Only loopback
addresses are accepted: the draws carry the province's data, and a remote
scheduler is a deployment decision this library does not make for you.
"""

from __future__ import annotations

import contextlib
import ipaddress
import urllib.parse
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ntm_core._core.optional import require
from ntm_core.exceptions import InputError
from ntm_core.scenarios._model import ProvinceModel
from ntm_core.scenarios._montecarlo import Chunk, draw_chunk

__all__ = ["check_address", "client_for", "run_on_dask"]

_FEATURE = "Monte Carlo on Dask (scheduler=)"


def check_address(address: str) -> str:
    """The address, if it names a scheduler on this machine (loopback only).

    Raises:
        InputError: If the address is not ``tcp://HOST:PORT`` with a loopback host.
    """
    parsed = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")
    host = parsed.hostname or ""
    try:
        port = parsed.port
    except ValueError:
        port = None
    loopback = host == "localhost"
    if not loopback:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
    if parsed.scheme not in {"tcp", "inproc"} or port is None or not loopback:
        msg = "a scheduler address on this machine, such as tcp://127.0.0.1:8786 (loopback only)"
        raise InputError(f"expected {msg}", column="scheduler", value=address)
    return f"{parsed.scheme}://{host}:{port}"


@contextlib.contextmanager
def client_for(scheduler: object, *, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler`` (``"dask"``, an address, or a client).

    Raises:
        MissingDependencyError: If ``distributed`` is not installed.
        InputError: If the address is not a loopback address.
    """
    distributed = require("distributed", feature=_FEATURE)
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    if scheduler == "dask":
        with (
            distributed.LocalCluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=False,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    if not isinstance(scheduler, str):
        msg = "scheduler: 'dask', a scheduler address, or a distributed.Client"
        raise InputError(msg, column="scheduler", value=repr(scheduler))
    with distributed.Client(check_address(scheduler), timeout="10s") as client:
        yield client


def run_on_dask(
    model: ProvinceModel,
    chunks: Sequence[Sequence[np.random.SeedSequence]],
    *,
    scheduler: object,
    workers: int | None = None,
) -> list[Chunk]:
    """Decide the chunks as Dask tasks; the results come back in chunk order."""
    with client_for(scheduler, workers=workers) as client:
        shared = client.scatter(model, broadcast=True)
        futures = [client.submit(draw_chunk, shared, list(seeds), pure=False) for seeds in chunks]
        results: list[Chunk] = client.gather(futures)
    return results
