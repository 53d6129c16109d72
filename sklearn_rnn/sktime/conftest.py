"""Doctests of this subpackage need sktime: without it, pytest skips them."""

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("sktime") else ["*.py"]
