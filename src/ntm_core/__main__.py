"""Allow ``python -m ntm_core``, the same as the ``ntm`` command."""

from ntm_core.cli import run

run()
