"""The public façade: an explicit, sorted, complete and documented ``__all__``."""

import importlib
import importlib.metadata
import inspect
import subprocess
import sys

import pytest

import ntm_core

PUBLIC_MODULES = [
    "ntm_core",
    "ntm_core.admin",
    "ntm_core.cli",
    "ntm_core.datasets",
    "ntm_core.engine",
    "ntm_core.exceptions",
    "ntm_core.io",
    "ntm_core.ocop",
    "ntm_core.readiness",
    "ntm_core.rules",
    "ntm_core.scenarios",
    "ntm_core.testing",
    "ntm_core.units",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_unique(name):
    """Sorted the way ruff's RUF022 sorts: CONSTANTS, then Classes, then functions."""

    def key(item):
        if item.isupper() and len(item) > 1:
            return (0, item)
        return (1, item) if item[:1].isupper() else (2, item)

    module = importlib.import_module(name)
    assert list(module.__all__) == sorted(set(module.__all__), key=key)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_exist_and_are_documented(name):
    module = importlib.import_module(name)
    for public in module.__all__:
        obj = getattr(module, public)
        if public == "__version__":
            continue
        assert inspect.getdoc(obj), f"{name}.{public} has no docstring"


def test_facade_exports_every_public_class_of_its_modules():
    """Every public class or function defined in a private module is re-exported."""
    from ntm_core._core import vocabulary as _vocabulary

    for public in _vocabulary.__all__:
        assert public in ntm_core.__all__


def test_version_matches_distribution_metadata():
    assert ntm_core.__version__ == importlib.metadata.version("ntm-core")


def test_cli_version_prints_the_same_version():
    result = subprocess.run(
        [sys.executable, "-m", "ntm_core", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"ntm {ntm_core.__version__}"


def test_import_does_not_load_pint():
    """Importing ntm_core must stay fast: pint (~0.3 s) loads on first unit use."""
    code = "import sys, ntm_core; print('pint' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def _public_objects():
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for public in module.__all__:
            obj = getattr(module, public)
            if isinstance(obj, type) or inspect.isfunction(obj):
                yield name, public, obj


@pytest.mark.parametrize(("module_name", "public", "obj"), list(_public_objects()))
def test_every_public_name_lives_in_a_public_module(module_name, public, obj):
    """Docs links, pickles and reprs name ``__module__``: it must be public and hold the name."""
    home = obj.__module__
    assert home in PUBLIC_MODULES, f"{module_name}.{public} says it lives in {home}"
    assert getattr(importlib.import_module(home), obj.__name__) is obj


def test_importing_the_library_does_not_import_the_cli():
    code = (
        "import sys, ntm_core, ntm_core.admin, ntm_core.datasets, ntm_core.engine, ntm_core.io, "
        "ntm_core.ocop, ntm_core.readiness, ntm_core.rules, ntm_core.units; "
        "print('ntm_core.cli' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
