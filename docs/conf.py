"""Sphinx configuration for the ntm_core documentation."""

from pathlib import Path

import ntm_core
from ntm_core.rules import Rulebook
from ntm_core.rules._markdown import ruleset_markdown

project = "ntm_core"
author = "ntm_core maintainers"
copyright = "2026, ntm_core maintainers"
release = ntm_core.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",  # MyST Markdown, and notebooks executed at build time (an error fails the build)
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_merge_streams = True
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

nitpicky = True
# No network in the build: types from the standard library and third-party
# packages cannot be linked (no intersphinx), so they are not nitpicked.
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(dt|datetime|fractions|decimal|numbers|enum|typing|collections\.abc|types|argparse|io)\..*",
    ),
    (r"py:.*", r"(pint|attrs|attr|hypothesis|numpy|np|npt)(\..*)?"),
    (r"py:.*", r"(st\.)?SearchStrategy.*"),
    (
        r"py:.*",
        r"(Fraction|Decimal|Mapping|Sequence|Iterable|TextIO|Callable|ExceptionGroup|date|Any)",
    ),
    (r"py:.*", r"ntm_core\._.*"),
    (r"py:.*", r"ntm_core(\.\w+)*\._\w+(\.\w+)*"),
    (
        r"py:.*",
        r"'?(IntArray|FloatArray|Raw|Codes|T|Value|Condition|TypeAliasForwardRef|Lang|Masks)'?",
    ),
    (r"py:.*", r"ntm_core\.admin\.T"),
    (r"py:.*", r"(os|pathlib)\..*"),
    (r"py:.*", r"(pd|pandas)\..*"),  # optional extra, not installed for every build
    (r"py:class", r"Handler"),
    # Annotations are strings (PEP 563) evaluated in a public module's namespace, which
    # does not import numpy.typing: they stay as text.
    (r"py:.*", r"npt\..*"),
    # matplotlib is optional and nothing is linked (no intersphinx); Lang is Literal["en", "vi"].
    (r"py:.*", r"(Axes|Lang|Path)"),
    (r"py:.*", r"(Masks|BaseExceptionGroup\..*)"),
]

autodoc_default_options = {"members": True, "show-inheritance": True, "member-order": "bysource"}
autodoc_typehints = "description"
autodoc_type_aliases = {"IntArray": "IntArray"}
autodoc_member_order = "bysource"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_preprocess_types = True  # attribute types become roles (np.bool_ is no RST link)

html_theme = "furo"
html_title = f"ntm_core {release}"


def _generate_ruleset_pages(_app: object) -> None:
    """Write one reference page per bundled rule-set edition (docs/reference/rulesets/)."""
    out = Path(__file__).parent / "reference" / "rulesets"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.md"):
        old.unlink()
    book = Rulebook.bundled()
    names = []
    for edition in book:
        name = edition.id.replace("@", "_").replace("+", "_")
        (out / f"{name}.md").write_text(ruleset_markdown(edition), encoding="utf-8")
        names.append(name)
    index = [
        "# Rule sets",
        "",
        "One page per edition of every bundled rule set, generated from the rule files.",
        "",
        "```{toctree}",
        ":maxdepth: 1",
        "",
        *names,
        "```",
        "",
    ]
    (out / "index.md").write_text("\n".join(index), encoding="utf-8")


def _escape_numpy_scalars(
    _app: object, _what: str, _name: str, _obj: object, _options: object, lines: list[str]
) -> None:
    """``np.bool_`` in an annotation Napoleon copied into a docstring is no RST link target."""
    lines[:] = [line.replace("np.bool_", "np.bool\\_") for line in lines]


def setup(app: object) -> None:
    app.connect("builder-inited", _generate_ruleset_pages)  # type: ignore[attr-defined]
    app.connect("autodoc-process-docstring", _escape_numpy_scalars)  # type: ignore[attr-defined]
