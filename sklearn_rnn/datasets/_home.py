"""Where the data sets live: the data home, shared by the loaders."""

import os
import stat

from sklearn.datasets import get_data_home

#: The environment variable naming the data home.
DATA_HOME_ENV = "SKLEARN_RNN_DATA"


def resolve_data_home(data_home):
    """Return the data home: the argument, else ``$SKLEARN_RNN_DATA``, else
    scikit-learn's (``~/scikit_learn_data``).

    Examples
    --------
    >>> import os
    >>> resolve_data_home("/tmp/data")
    '/tmp/data'
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or get_data_home()
    return os.path.abspath(os.path.expanduser(os.fspath(data_home)))


def is_writable_dir(path):
    """Whether ``path`` is a directory we may write to.

    A directory without any write permission bit counts as read-only even when
    the process could write to it anyway (root).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return (
        stat.S_ISDIR(mode)
        and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        and os.access(path, os.W_OK)
    )
