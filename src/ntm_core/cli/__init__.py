"""The ``ntm`` command line: one module per command group, each a thin call of the library.

Exit codes are part of the contract: 0 success, 1 bad input (the message
names the file, row, column and value), 2 usage error. A closed pipe
(``ntm … | head``) ends quietly.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from ntm_core._core.tables import check_suffix
from ntm_core._version import __version__
from ntm_core.cli import (
    _assess,
    _convert,
    _ocop,
    _plan,
    _project,
    _readiness,
    _rules,
    _sample,
    _scenario,
)
from ntm_core.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    Handler,
    UsageError,
    output_path,
    thresholds_parser,
    write_text,
)
from ntm_core.exceptions import NtmCoreError

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ntm``, with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="ntm",
        description=(
            "Vietnam's New Rural Development (nông thôn mới) and OCOP criteria as "
            "versioned, cited, executable rules."
        ),
        epilog="Exit codes: 0 success, 1 bad input, 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"ntm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = thresholds_parser()
    _convert.add_parser(sub)
    _rules.add_parser(sub, common)
    _assess.add_parsers(sub, common)
    _ocop.add_parser(sub, common)
    _readiness.add_parser(sub, common)
    _project.add_parser(sub, common)
    _sample.add_parser(sub)
    _scenario.add_parser(sub, common)
    _plan.add_parser(sub, common)
    return parser


def _leaves(error: BaseException) -> Iterator[BaseException]:
    """The single problems of an error: itself, or every leaf of a (nested) exception group."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _leaves(inner)
    else:
        yield error


def _report(error: BaseException) -> None:
    for problem in _leaves(error):
        print(f"ntm: error: {problem}", file=sys.stderr)


def _quiet_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush cannot fail.

    The recipe of the Python documentation for SIGPIPE: the reader of the
    pipe is gone (``ntm … | head``); say nothing.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout replaced by something fd-less
        pass


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run ``ntm`` with ``argv`` and return its exit code.

    Errors in the user's input are printed on standard error, one line per
    problem with its location, never as a traceback: every library error
    (:class:`~ntm_core.exceptions.NtmCoreError`, or a group of them) and an
    unreadable file exit 1; a usage error (a bad option, an unknown rule set
    named on the command line) exits 2.
    """
    stream = out if out is not None else sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(stream)
        return EXIT_USAGE
    return _dispatch(handler, args, stream, prog=parser.prog)


def _dispatch(handler: Handler, args: argparse.Namespace, stream: TextIO, *, prog: str) -> int:
    """Run a command; map its errors to exit codes and one line per problem."""
    try:
        return _run(handler, args, stream)
    except UsageError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        if stream is sys.stdout:
            _quiet_stdout()
        return EXIT_OK
    except (NtmCoreError, ExceptionGroup, OSError) as err:
        # Library errors first: UnknownIndicatorError is also a KeyError, but bad input.
        _report(err)
        return EXIT_BAD_INPUT
    except KeyError as err:  # an unknown rule set or edition named on the command line
        print(f"ntm: error: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE


def _run(handler: Handler, args: argparse.Namespace, stream: TextIO) -> int:
    """Run ``handler``; its output goes to ``-o FILE`` (whole or not at all) when given."""
    path = None if getattr(args, "writes_file", False) else output_path(args)
    if path is None:
        code = handler(args, stream)
        stream.flush()
        return code
    form = getattr(args, "format", None)
    if form is not None:
        check_suffix(path, form)  # -o x.json with --format csv is refused before any work
    buffer = io.StringIO()
    code = handler(args, buffer)
    write_text(path, buffer.getvalue(), force=getattr(args, "force", False))
    return code


def run() -> None:  # pragma: no cover - thin wrapper for the console script
    """Entry point of the ``ntm`` console script."""
    sys.exit(main())
