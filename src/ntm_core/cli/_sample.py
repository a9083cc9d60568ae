"""``ntm sample export DIR``: the bundled Hà Tĩnh sample as plain files."""

from __future__ import annotations

import argparse
from typing import TextIO

from ntm_core.cli._common import EXIT_OK

__all__ = ["add_parser"]


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write the bundled sample as plain files."""
    from ntm_core.datasets import export_sample

    paths = export_sample(args.directory, force=args.force)
    print(f"wrote {len(paths)} files of the bundled Hà Tĩnh sample (SYNTHETIC values) to", file=out)
    for path in paths:
        print(f"  {path}", file=out)
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ntm sample export DIR [--force]``."""
    sample = sub.add_parser("sample", help="the bundled Hà Tĩnh sample (SYNTHETIC values)")
    actions = sample.add_subparsers(dest="sample_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write the sample as plain files that every command reads back"
    )
    export.add_argument("directory", metavar="DIR", help="the directory to write into")
    export.add_argument("--force", action="store_true", help="overwrite files that exist")
    export.set_defaults(handler=_cmd_export, writes_file=True)
