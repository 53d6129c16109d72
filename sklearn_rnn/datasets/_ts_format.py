"""Reader of the ``.ts`` text format of the UCR/UEA time-series archive.

A ``.ts`` file has a header of comment lines (``#``, or ``%`` as in sktime's
``UnitTest`` files) and tag lines (``@``), ended by
``@data``, then one series per line: the values of each channel separated by
commas, the channels separated by ``:``, and the class label (or regression
target) last, after a final ``:``. Missing values are written ``?``.
"""

import math
import re
from dataclasses import dataclass

import numpy as np

_COMMENT = ("#", "%")
_BOOLEAN_TAGS = ("timestamps", "missing", "univariate", "equallength", "targetlabel")
_INTEGER_TAGS = ("serieslength", "dimensions")
_TAGS = frozenset(_BOOLEAN_TAGS + _INTEGER_TAGS + ("problemname", "classlabel"))
_POSITIVE_INTEGER = re.compile(r"[1-9][0-9]*")
_CAMEL_CASE = "problemName timeStamps equalLength seriesLength classLabel targetLabel"
_SPELLING = {tag.lower(): tag for tag in _CAMEL_CASE.split()}


@dataclass
class TsFile:
    """Contents of one ``.ts`` file.

    ``series`` holds one float64 array of shape (n_timesteps_i, n_channels) per
    line. ``target`` is None if the file has no labels, an array of str for
    classification and of float64 for regression. ``equal_length`` is the
    ``@equalLength`` tag, or whether the series have one length if it is absent.
    """

    path: str
    problem_name: str | None
    comments: list
    series: list
    target: np.ndarray | None
    class_labels: list | None
    task: str | None  # "classification", "regression" or None (no labels)
    equal_length: bool
    n_channels: int


def _error(path, lineno, message):
    return ValueError(f"{path}, line {lineno}: {message}")


def _spell(tag):
    """The tag as the format documents it, e.g. "@seriesLength"."""
    return "@" + _SPELLING.get(tag, tag)


def _clip(text, size=40):
    return repr(text if len(text) <= size else text[:size] + "...")


def read_ts(path):
    """Parse the ``.ts`` file at ``path`` into a :class:`TsFile`.

    Raises
    ------
    ValueError
        If the file is malformed; the message names the file and the line.
    """
    path = str(path)
    try:
        with open(path, encoding="utf-8") as file:
            lines = enumerate(file, start=1)
            header, comments = _read_header(path, lines)
            series, labels = _read_data(path, lines, header)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a UTF-8 text file: {exc}") from exc

    class_labels = header.get("classlabel")
    if class_labels is not None:
        task = "classification"
        target = np.array(labels, dtype=str)
    elif header.get("targetlabel"):
        task, target = "regression", np.array(labels, dtype=np.float64)
    else:
        task, target = None, None
    equal_length = header.get("equallength")
    if equal_length is None:
        equal_length = len({len(s) for s in series}) == 1
    return TsFile(
        path=path,
        problem_name=header.get("problemname"),
        comments=comments,
        series=series,
        target=target,
        class_labels=class_labels,
        task=task,
        equal_length=equal_length,
        n_channels=series[0].shape[1],
    )


def _read_header(path, lines):
    """Read the header up to ``@data``; return ({tag: value}, comment lines)."""
    header, comments, lineno = {}, [], 0
    for lineno, raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith(_COMMENT):
            comments.append(line.lstrip("#%").strip())
            continue
        if not line.startswith("@"):
            raise _error(
                path,
                lineno,
                f"expected a header line (#, % or @), got "
                f"{_clip(line)}; is the @data line missing?",
            )
        tag, *args = line[1:].split() or [""]
        tag = tag.lower()
        if tag == "data":
            if args:
                raise _error(path, lineno, "unexpected text after @data")
            _check_header(path, lineno, header)
            return header, comments
        if tag not in _TAGS:
            raise _error(path, lineno, f"unknown header tag {_clip(line.split()[0])}")
        if tag == "problemname" and tag in header:
            continue  # a name given twice (sktime's UnitTest files): the first
        if tag in header:
            raise _error(path, lineno, f"repeated header tag {_spell(tag)}")
        header[tag] = _tag_value(path, lineno, tag, args)
    raise _error(path, lineno, "no @data line: the file has a header but no data")


def _tag_value(path, lineno, tag, args):
    if tag == "problemname":
        if len(args) != 1:
            raise _error(path, lineno, "@problemName takes one name")
        return args[0]
    if tag == "classlabel":
        flag = _boolean(path, lineno, tag, args[:1])
        if flag and not args[1:]:
            raise _error(path, lineno, "@classLabel true must list the labels")
        if not flag and args[1:]:
            raise _error(path, lineno, "@classLabel false takes no labels")
        if len(set(args[1:])) != len(args[1:]):
            raise _error(path, lineno, "@classLabel lists a label twice")
        return list(args[1:]) if flag else None
    if tag in _BOOLEAN_TAGS:
        value = _boolean(path, lineno, tag, args)
        if tag == "timestamps" and value:
            raise _error(
                path, lineno, "time-stamped series (@timeStamps true) are not supported"
            )
        return value
    if len(args) != 1 or not _POSITIVE_INTEGER.fullmatch(args[0]):
        raise _error(
            path,
            lineno,
            f"{_spell(tag)} takes one positive integer, got {_clip(' '.join(args))}",
        )
    return int(args[0])


def _boolean(path, lineno, tag, args):
    if len(args) != 1 or args[0].lower() not in ("true", "false"):
        raise _error(
            path,
            lineno,
            f"{_spell(tag)} takes true or false, got {_clip(' '.join(args))}",
        )
    return args[0].lower() == "true"


def _check_header(path, lineno, header):
    """Check the consistency of the tags, at the @data line."""
    if header.get("classlabel") is not None and header.get("targetlabel"):
        raise _error(
            path, lineno, "@classLabel true and @targetLabel true are exclusive"
        )
    if header.get("univariate") and header.get("dimensions", 1) != 1:
        raise _error(
            path, lineno, f"@univariate true with @dimensions {header['dimensions']}"
        )
    if header.get("univariate"):
        header.setdefault("dimensions", 1)


def _read_data(path, lines, header):
    """Read the series after @data; return (list of 2-D arrays, list of labels)."""
    has_label = header.get("classlabel") is not None or header.get("targetlabel")
    class_labels = header.get("classlabel")
    n_channels = header.get("dimensions")
    length = None
    if header.get("equallength") is not False:
        length = header.get("serieslength")  # None: the first series' length
    check_length = header.get("equallength") or length is not None
    series, labels, lineno = [], [], 0
    for lineno, raw in lines:
        line = raw.strip()
        if not line or line.startswith(_COMMENT):
            continue
        values = line
        if has_label:
            values, colon, label = line.rpartition(":")
            if not colon or not label.strip():
                raise _error(
                    path, lineno, "no label: expected the values then ':' and the label"
                )
            labels.append(_label(path, lineno, label.strip(), class_labels))
        channels = [_values(path, lineno, text) for text in values.split(":")]
        if n_channels is None:
            n_channels = len(channels)
        if len(channels) != n_channels:
            raise _error(
                path, lineno, f"{len(channels)} channels, expected {n_channels}"
            )
        lengths = {len(channel) for channel in channels}
        if len(lengths) != 1:
            raise _error(
                path, lineno, f"the channels have different lengths {sorted(lengths)}"
            )
        n_timesteps = lengths.pop()
        if check_length:
            length = n_timesteps if length is None else length
            if n_timesteps != length:
                raise _error(
                    path,
                    lineno,
                    f"series of length {n_timesteps}, "
                    f"expected {length} (equal-length data)",
                )
        series.append(np.stack(channels, axis=1))
    if not series:
        raise _error(path, lineno, "no series after @data")
    return series, labels


def _values(path, lineno, text):
    """The comma-separated values of one channel as a float64 array (? is NaN)."""
    tokens = [token.strip() for token in text.split(",")]
    try:
        if "_" in text:  # float() would accept "1_000"
            raise ValueError
        return np.array(
            [math.nan if token == "?" else float(token) for token in tokens],
            dtype=np.float64,
        )
    except ValueError:
        bad = next(token for token in tokens if not _is_number(token))
        raise _error(path, lineno, f"non-numeric value {_clip(bad)}") from None


def _is_number(token):
    if token == "?":
        return True
    try:
        float(token)
    except ValueError:
        return False
    return "_" not in token


def _label(path, lineno, label, class_labels):
    if class_labels is not None:
        if label not in class_labels:
            raise _error(
                path,
                lineno,
                f"label {_clip(label)} is not declared in "
                f"@classLabel {' '.join(class_labels)}",
            )
        return label
    try:
        if "_" in label:
            raise ValueError
        return float(label)
    except ValueError:
        raise _error(
            path, lineno, f"non-numeric regression target {_clip(label)}"
        ) from None


def combine(files, splits, as_list=False):
    """Merge parsed files (e.g. train then test) into one data set.

    Returns a dict with the fields of :func:`~sklearn_rnn.datasets.fetch_ucr`'s
    Bunch but ``DESCR`` (``problem_name`` may be None). ``data`` is one 3-D array
    if every file has equal-length series of one common length (and ``as_list`` is
    False), else a list of 2-D arrays.
    """
    first = files[0]
    for other in files[1:]:
        if other.n_channels != first.n_channels or other.task != first.task:
            raise ValueError(
                f"{first.path} and {other.path} do not hold the same kind of data: "
                f"{first.n_channels} and {other.n_channels} channels, "
                f"{first.task} and {other.task} targets."
            )
    series = [s for f in files for s in f.series]
    lengths = np.array([len(s) for s in series], dtype=np.int64)
    equal_length = all(f.equal_length for f in files) and len(set(lengths)) == 1
    target, target_names = None, None
    if first.task is not None:
        target = np.concatenate([f.target for f in files])
    if first.task == "classification":
        labels = []
        for f in files:
            labels += [label for label in f.class_labels if label not in labels]
        target_names = np.array(labels, dtype=str)
    return {
        "data": series if as_list or not equal_length else np.stack(series),
        "target": target,
        "target_names": target_names,
        "split": np.repeat(np.array(splits), [len(f.series) for f in files]),
        "series_lengths": lengths,
        "n_channels": first.n_channels,
        "equal_length": equal_length,
        "missing": any(bool(np.isnan(s).any()) for s in series),
        "task": first.task,
        "problem_name": first.problem_name,
        "filenames": [f.path for f in files],
    }
