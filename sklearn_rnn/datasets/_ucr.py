"""Loader of the UCR/UEA time-series classification (and regression) archive."""

import http.client
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions, validate_params

from .._constraints import Number
from ._home import DATA_HOME_ENV, is_writable_dir, resolve_data_home
from ._ts_format import combine, read_ts

ARCHIVE_URL = "https://timeseriesclassification.com/aeon-toolkit/{name}.zip"
SUBFOLDER = "ucr"
DOWNLOAD_TIMEOUT = 60.0  # seconds without data before a download attempt fails
MAX_DOWNLOAD_BYTES = 4 << 30  # caps on the zip and on each extracted .ts file
MAX_MEMBER_BYTES = 4 << 30
_CHUNK_SIZE = 1 << 20
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_PARTS = {"train": "TRAIN", "test": "TEST"}
# encrypted or unsupported members raise RuntimeError or NotImplementedError
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
)
# urllib.error.URLError and socket errors are OSErrors
_DOWNLOAD_ERRORS = (OSError, http.client.HTTPException)

_DESCR_FOOTER = """
Archive: https://timeseriesclassification.com (UCR/UEA time series archive).

If you use the archive, please cite:

    Hoang Anh Dau, Anthony Bagnall, Kaveh Kamgar, Chin-Chia Michael Yeh, Yan Zhu,
    Shaghayegh Gharghabi, Chotirat Ann Ratanamahatana and Eamonn Keogh. "The UCR
    Time Series Archive." IEEE/CAA Journal of Automatica Sinica 6(6), 2019.

    Anthony Bagnall, Hoang Anh Dau, Jason Lines, Michael Flynn, James Large, Aaron
    Bostrom, Paul Southam and Eamonn Keogh. "The UEA multivariate time series
    classification archive, 2018." arXiv:1811.00075.
"""


class ArchiveError(OSError):
    """A downloaded zip archive is invalid, too large or lacks a .ts file."""


@validate_params(
    {
        "name": [str],
        "split": [StrOptions({"train", "test"}), None],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_X_y": ["boolean"],
        "as_list": ["boolean"],
        "n_retries": [Number(Integral, 0, None, closed="left")],
        "delay": [Number(Real, 0.0, None, closed="left")],
        "dtype": "no_validation",  # checked below, as numpy reads it
    },
    prefer_skip_nested_validation=True,
)
def fetch_ucr(
    name,
    *,
    split=None,
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    as_list=False,
    n_retries=3,
    delay=1.0,
    dtype=np.float32,
):
    """Load a data set of the UCR/UEA time-series archive, channels last.

    The series are read from ``<name>_TRAIN.ts`` and ``<name>_TEST.ts`` (the
    archive's ``.ts`` text format) in the ``ucr`` folder of the data home, or in
    its ``ucr/<name>`` subfolder (the layout of the archive's zip files). Missing
    files are downloaded from
    ``https://timeseriesclassification.com/aeon-toolkit/<name>.zip`` into
    ``<data_home>/ucr``. Univariate and multivariate, equal- and unequal-length
    series, missing values, classification and regression problems are supported;
    time-stamped files (``@timeStamps true``) are not.

    Parameters
    ----------
    name : str
        Name of the data set as in the archive, e.g. ``"GunPoint"`` or
        ``"BasicMotions"`` (case-sensitive; letters, digits, ``_`` and ``-``).

    split : {"train", "test"} or None, default=None
        The official training or test series; None (as in sktime's
        ``load_UCR_UEA_dataset``) gives the training then the test series, whose
        origin is in the ``split`` attribute of the result.

    data_home : str or path-like, default=None
        Folder holding the ``ucr`` folder. By default the environment variable
        ``SKLEARN_RNN_DATA`` if set, else :func:`sklearn.datasets.get_data_home`
        (``~/scikit_learn_data``).

    download_if_missing : bool, default=True
        Download the data set if a file it needs is not in the data home. If
        False, a missing file raises.

    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    as_list : bool, default=False
        Return the series as a list of arrays even when they have one length.

    n_retries : int, default=3
        Number of retries of a failed download.

    delay : float, default=1.0
        Seconds between download retries.

    dtype : {numpy.float32, numpy.float64}, default=numpy.float32
        Dtype of the series. float32, as Keras and PyTorch train, holds the
        archive's values to about 7 significant digits, and the estimators
        (``dtype="auto"``) then train in float32, about a quarter faster
        than in float64 (PLAID: 0.13-0.18 s an epoch against 0.20 s).

    Returns
    -------
    dataset : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : ndarray of shape (n_series, n_timesteps, n_channels) or list
            The series, of ``dtype``, NaN for missing values. Equal-length data
            is one 3-D array; unequal-length data (or ``as_list=True``) is a list
            of ``n_series`` arrays of shape (n_timesteps_i, n_channels).
        target : ndarray of shape (n_series,) or None
            Class labels (str) for classification, float64 targets for
            regression, None if the files have no labels.
        target_names : ndarray of str or None
            The class labels in the order of the files' ``@classLabel`` tag
            (None unless classification).
        split : ndarray of shape (n_series,)
            ``"train"`` or ``"test"``: the file each series comes from.
        series_lengths : ndarray of shape (n_series,)
            Number of time steps of each series.
        n_channels : int
            Number of channels (dimensions) of the series.
        equal_length : bool
            Whether the series have one length (``data`` is then an array unless
            ``as_list=True``).
        missing : bool
            Whether there are missing values (NaN) in ``data``.
        task : {"classification", "regression"} or None
            The kind of target.
        problem_name : str
            The ``@problemName`` of the files (``name`` if absent).
        filenames : list of str
            The files read.
        DESCR : str
            Description of the data set (the files' comments) and the references
            to cite.

    (data, target) : tuple if ``return_X_y`` is True
        The series and their targets, as in the Bunch.

    Raises
    ------
    ValueError
        If ``name`` is not a valid name, or a file is malformed (the message
        names the file and the line).
    FileNotFoundError
        If a file is absent and cannot be downloaded; the message says where to
        put it.
    ArchiveError
        An OSError: the downloaded zip is invalid, too large, or lacks a file.

    See Also
    --------
    sklearn_rnn.sktime.RNNClassifier : Classify the series with sktime.
    sklearn_rnn.ScratchRNNClassifier : Classify the series directly.

    Examples
    --------
    A small data set written in the archive's format (two channels, missing
    value ``?``):

    >>> import pathlib, shutil, tempfile
    >>> from sklearn_rnn.datasets import fetch_ucr
    >>> home = pathlib.Path(tempfile.mkdtemp())
    >>> (home / "ucr").mkdir()
    >>> header = "@problemName Toy\\n@dimensions 2\\n@classLabel true a b\\n@data\\n"
    >>> train = header + "1,2,3:4,5,6:a\\n0,?,1:2,2,2:b\\n"
    >>> _ = (home / "ucr" / "Toy_TRAIN.ts").write_text(train)
    >>> _ = (home / "ucr" / "Toy_TEST.ts").write_text(header + "7,8,9:1,1,1:b\\n")
    >>> toy = fetch_ucr("Toy", split="train", data_home=home)
    >>> toy.data.shape
    (2, 3, 2)
    >>> toy.data[1]
    array([[ 0.,  2.],
           [nan,  2.],
           [ 1.,  2.]], dtype=float32)
    >>> toy.target
    array(['a', 'b'], dtype='<U1')
    >>> X, y = fetch_ucr("Toy", data_home=home, return_X_y=True)  # train + test
    >>> X.shape, y.tolist()
    ((3, 3, 2), ['a', 'b', 'b'])
    >>> shutil.rmtree(home)

    A data set of the archive (downloaded if it is not in the data home):

    >>> gun_point = fetch_ucr("GunPoint", split="train")  # doctest: +SKIP
    >>> gun_point.data.shape, gun_point.target_names  # doctest: +SKIP
    ((50, 150, 1), array(['1', '2'], dtype='<U1'))
    >>> vowels = fetch_ucr("JapaneseVowels", split="test")  # doctest: +SKIP
    >>> len(vowels.data), vowels.data[0].shape  # doctest: +SKIP
    (370, (19, 12))
    """
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"Invalid UCR/UEA data set name {name!r}: expected letters, digits, '_' "
            "or '-' (at most 100 characters), without path separators or '..'."
        )
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(
            f"dtype must be numpy.float32 or numpy.float64, got {dtype!r}."
        )
    folder = os.path.join(resolve_data_home(data_home), SUBFOLDER)
    splits = ("train", "test") if split is None else (split,)
    if any(_find_file(folder, name, s) is None for s in splits):
        _obtain_files(folder, name, splits, download_if_missing, n_retries, delay)
    files = [read_ts(_find_file(folder, name, s)) for s in splits]
    fields = combine(files, splits, as_list)
    data = fields["data"]
    fields["data"] = (
        [series.astype(dtype, copy=False) for series in data]
        if isinstance(data, list)
        else data.astype(dtype, copy=False)
    )
    if return_X_y:
        return fields["data"], fields["target"]
    fields["problem_name"] = fields["problem_name"] or name
    return Bunch(**fields, DESCR=_describe(files[0], fields))


def _file_name(name, split):
    return f"{name}_{_PARTS[split]}.ts"


def _find_file(folder, name, split):
    """The path of the split's file (flat or zip layout), or None."""
    flat = os.path.join(folder, _file_name(name, split))
    nested = os.path.join(folder, name, _file_name(name, split))
    return next((p for p in (flat, nested) if os.path.isfile(p)), None)


def _describe(ts_file, fields):
    lengths, target_names = fields["series_lengths"], fields["target_names"]
    title = f"{fields['problem_name']} (UCR/UEA time series archive)"
    lines = [title, "-" * len(title), ""]
    if any(ts_file.comments):
        lines += [*ts_file.comments, ""]
    span = f"{lengths.min()}"
    if lengths.min() != lengths.max():
        span += f"-{lengths.max()} (unequal)"
    lines.append(
        f"- {len(lengths)} series of length {span}, {ts_file.n_channels} channel(s)"
    )
    if target_names is not None:
        lines.append(f"- {len(target_names)} classes: {' '.join(target_names)}")
    elif ts_file.task == "regression":
        lines.append("- regression target")
    return "\n".join(lines) + "\n" + _DESCR_FOOTER


def _missing_error(folder, name, reason):
    return FileNotFoundError(
        f"The UCR/UEA data set {name!r} ({name}_TRAIN.ts and {name}_TEST.ts) was "
        f"not found in {folder} and {reason}. Download "
        f"{ARCHIVE_URL.format(name=name)} and extract its .ts files into {folder}, "
        f"or point the environment variable {DATA_HOME_ENV} (or the data_home "
        "argument) to the folder holding their 'ucr' folder."
    )


def _obtain_files(folder, name, splits, download_if_missing, n_retries, delay):
    """Download the data set's zip and extract its missing .ts files, or raise."""
    if not download_if_missing:
        raise _missing_error(folder, name, "download_if_missing=False")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise _missing_error(folder, name, f"{folder} cannot be created") from exc
    if not is_writable_dir(folder):
        raise _missing_error(folder, name, f"{folder} is read-only")
    url = ARCHIVE_URL.format(name=name)
    for attempt in range(n_retries + 1):
        try:
            _download_and_extract(url, folder, name, splits)
            return
        except ArchiveError:
            raise
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:  # unknown data set: no retry
                raise _missing_error(folder, name, f"{url} gave {exc}") from exc
            error = exc
        except _DOWNLOAD_ERRORS as exc:
            error = exc
        if attempt < n_retries:
            print(f"Download failed ({error}), retrying in {delay} s", file=sys.stderr)
            time.sleep(delay)
    reason = f"the download failed after {n_retries + 1} attempts ({error})"
    raise _missing_error(folder, name, reason) from error


def _download_and_extract(url, folder, name, splits):
    """Download ``url`` to a temporary zip, then move its .ts files into place.

    Only the members ``<name>_TRAIN.ts`` and ``<name>_TEST.ts`` (at the top of the
    zip or in a ``<name>/`` folder) are read, each to a temporary file written in
    chunks (at most MAX_MEMBER_BYTES); the member names are never used as paths.
    Files already present are not replaced; only those of ``splits`` must be in
    the zip. The temporary folder (in ``folder``) is always removed.
    """
    work = tempfile.mkdtemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        archive = os.path.join(work, "archive.zip")
        with open(archive, "wb") as out:
            _download(url, out)
        extracted = []
        try:
            with zipfile.ZipFile(archive) as zip_file:
                for split in _PARTS:
                    if _find_file(folder, name, split) is not None:
                        continue  # a file already present is kept
                    member = _find_member(zip_file, name, split)
                    if member is None and split in splits:
                        raise ArchiveError(
                            f"The zip archive downloaded from {url} has no "
                            f"{_file_name(name, split)}."
                        )
                    if member is not None:
                        with open(os.path.join(work, split), "wb") as out:
                            _extract(zip_file, member, out, url)
                        extracted.append(split)
        except _ZIP_ERRORS as exc:
            raise ArchiveError(
                f"The file downloaded from {url} is not a valid zip archive ({exc})."
            ) from exc
        for split in extracted:
            target = os.path.join(folder, _file_name(name, split))
            os.replace(os.path.join(work, split), target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _download(url, out):
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        total = int(response.headers.get("Content-Length") or 0)
        if total > MAX_DOWNLOAD_BYTES:
            raise ArchiveError(f"{url} is too large ({total} bytes).")
        done = 0
        while chunk := response.read(_CHUNK_SIZE):
            done += len(chunk)
            if done > MAX_DOWNLOAD_BYTES:
                raise ArchiveError(f"{url} is larger than {MAX_DOWNLOAD_BYTES} bytes.")
            out.write(chunk)
            progress = f"\rDownloading {url}: {done / 1e6:.1f} MB"
            print(progress, end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)


def _find_member(zip_file, name, split):
    """The zip entry of the split's file (top level or in ``<name>/``), or None."""
    wanted = _file_name(name, split)
    for info in zip_file.infolist():
        if info.filename.replace("\\", "/") in (wanted, f"{name}/{wanted}"):
            return info
    return None


def _extract(zip_file, member, out, url):
    if member.file_size > MAX_MEMBER_BYTES:
        raise ArchiveError(
            f"{member.filename} in {url} is too large ({member.file_size} bytes)."
        )
    done = 0
    with zip_file.open(member) as source:
        while chunk := source.read(_CHUNK_SIZE):
            done += len(chunk)
            if done > MAX_MEMBER_BYTES:  # do not trust the declared size
                raise ArchiveError(
                    f"{member.filename} in {url} is larger than "
                    f"{MAX_MEMBER_BYTES} bytes."
                )
            out.write(chunk)
