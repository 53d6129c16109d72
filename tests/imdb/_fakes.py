"""Small fake IMDB archives in the layout of the real one."""

import io
import tarfile
from pathlib import Path

import numpy as np
from numpy.testing import assert_array_equal

REPO_ROOT = Path(__file__).resolve().parents[2]

# member name -> review text; the fake data set has the layout of the real one
REVIEWS = {
    "aclImdb/train/pos/10_9.txt": "Loved it.<br /><br />Très bien, 東京!",
    "aclImdb/train/pos/2_7.txt": "Good film",
    "aclImdb/train/neg/0_1.txt": "Awful",
    "aclImdb/train/neg/1_4.txt": "Boring <i>and</i> long",
    "aclImdb/test/pos/0_10.txt": "Great",
    "aclImdb/test/neg/3_2.txt": "Bad",
}
OTHER_MEMBERS = {  # members the loader must ignore
    "aclImdb/train/unsup/0_0.txt": "unlabelled",
    "aclImdb/train/urls_pos.txt": "http://example.com",
    "aclImdb/imdb.vocab": "the\nand",
    "aclImdb/README": "readme",
    "aclImdb/test/pos/notes.txt": "not a review",
}
TRAIN = {  # in loader order: label, then numeric id
    "data": [
        "Awful",
        "Boring <i>and</i> long",
        "Good film",
        "Loved it.<br /><br />Très bien, 東京!",
    ],
    "target": [0, 0, 1, 1],
    "ratings": [1, 4, 7, 9],
    "ids": [0, 1, 2, 10],
}
TEST = {"data": ["Bad", "Great"], "target": [0, 1], "ratings": [2, 10], "ids": [3, 0]}


def make_archive(path, members):
    """Write a tar.gz with the given {name: text or bytes} members (and dirs)."""
    with tarfile.open(path, "w:gz") as tar:
        directory = tarfile.TarInfo("aclImdb/train")
        directory.type = tarfile.DIRTYPE
        tar.addfile(directory)
        for name, text in members.items():
            data = text.encode("utf-8") if isinstance(text, str) else text
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def assert_subset(bunch, expected, subset):
    assert bunch.data == expected["data"]
    for key in ("target", "ratings", "ids"):
        assert_array_equal(getattr(bunch, key), expected[key])
        assert getattr(bunch, key).dtype == np.int64
    assert bunch.filenames.tolist() == [
        f"aclImdb/{subset}/{['neg', 'pos'][t]}/{i}_{r}.txt"
        for t, i, r in zip(expected["target"], expected["ids"], expected["ratings"])
    ]
