"""Sphinx configuration of the sklearn_rnn documentation.

Build: ``pip install -e ".[docs]" && sphinx-build -W docs docs/_build/html``
(from the repository root; ``SKLEARN_RNN_DATA`` names the data folder of
the examples that read data, ``../shared/data`` in CI).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's package, installed or not
sys.path.insert(0, str(ROOT / "docs" / "benchmarks"))  # the figures' table reader
os.environ.setdefault("SKLEARN_RNN_DATA", str(ROOT.parent / "shared" / "data"))

import sklearn_rnn  # noqa: E402

project = "sklearn_rnn"
author = "the sklearn_rnn developers"
copyright = "the sklearn_rnn developers, BSD-3-Clause"
release = version = sklearn_rnn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "literal"

# API reference: one page per public name, from the docstrings.
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False  # the class template lists the methods
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The gallery: every example is shown; only the quick ones (plot_*.py and the
# two named here, under a minute together) run at build time, their figures
# drawn then. The long ones (the IMDB
# main job, the tuning recipe, the grid searches, dask, streaming) are shown
# with the output a run printed, stored in their docstrings, and never run
# here.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/(plot_|count_ones|binary_addition)",
    "ignore_pattern": r"__init__\.py",
    "plot_gallery": "True",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": (),
    "matplotlib_animations": False,
    "min_reported_time": 1,
}

# Figures drawn from the measured tables (docs/benchmarks/data/*.csv).
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (7, 3.6)}
plot_working_directory = str(Path(__file__).resolve().parent)

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_rnn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_static_path = []
html_show_sourcelink = False

from sklearn_rnn.persistence import FORMAT_VERSION  # noqa: E402

rst_epilog = f".. |format_version| replace:: {FORMAT_VERSION}\n"


def _skip_metadata_requests(app, what, name, obj, skip, options):
    """scikit-learn's generated ``set_<method>_request`` methods are documented
    by scikit-learn (metadata routing), not here."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_requests)
