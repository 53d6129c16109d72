"""Tests of the UCR/UEA loader: the shared archive files and small .ts files
(downloads: ``test_ucr_download.py``)."""

import os
from pathlib import Path

import numpy as np
import pytest
from _ucr_files import TOY_HEADER, TOY_TEST, TOY_TRAIN, URL, no_network, write_ts  # noqa: F401
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn.datasets import fetch_ucr

REPO_ROOT = Path(__file__).resolve().parents[1]
# $SKLEARN_RNN_DATA is relative to the repository root when the tests run
SHARED_HOME = REPO_ROOT / os.environ.get("SKLEARN_RNN_DATA", "../shared/data")


@pytest.fixture
def shared_home():
    if not (SHARED_HOME / "ucr" / "GunPoint_TRAIN.ts").is_file():
        pytest.skip(f"no shared UCR files in {SHARED_HOME / 'ucr'}")
    return SHARED_HOME


# --- the shared archive files ------------------------------------------------------


def test_gun_point(shared_home):
    train = fetch_ucr("GunPoint", split="train", data_home=shared_home)
    assert train.data.shape == (50, 150, 1) and train.data.dtype == np.float32
    assert train.data[0, 0, 0] == -0.6478854 and train.data[0, 149, 0] == -0.63865722
    assert train.data[49, 0, 0] == -1.4357199
    assert (
        train.target.dtype.kind == "U" and train.target[[0, 49]].tolist() == ["2"] * 2
    )
    assert_array_equal(train.target_names, ["1", "2"])
    assert (train.target == "1").sum() == 24 and (train.target == "2").sum() == 26
    assert train.n_channels == 1 and train.equal_length and not train.missing
    assert train.task == "classification" and train.problem_name == "GunPoint"
    assert_array_equal(train.series_lengths, np.full(50, 150))
    assert train.filenames == [os.path.abspath(shared_home / "ucr/GunPoint_TRAIN.ts")]
    assert "The data in the archive is just the X-axis." in train.DESCR
    assert "50 series of length 150, 1 channel(s)" in train.DESCR

    X_test, y_test = fetch_ucr(
        "GunPoint", split="test", data_home=shared_home, return_X_y=True
    )
    assert X_test.shape == (150, 150, 1)
    assert X_test[149, 0, 0] == -1.4272055 and X_test[149, 149, 0] == -1.222043
    assert y_test[149] == "1" and (y_test == "1").sum() == 76


def test_italy_power_demand_from_environment(shared_home, monkeypatch):
    monkeypatch.setenv("SKLEARN_RNN_DATA", str(shared_home))
    train = fetch_ucr("ItalyPowerDemand", split="train")
    test = fetch_ucr("ItalyPowerDemand", split="test")
    assert train.data.shape == (67, 24, 1) and test.data.shape == (1029, 24, 1)
    assert test.data[1028, 0, 0] == -0.58214415
    assert test.data[1028, 23, 0] == -0.0025421181 and test.target[1028] == "2"
    assert (train.target == "1").sum() == 34 and (test.target == "2").sum() == 516


def test_basic_motions(shared_home):
    train = fetch_ucr("BasicMotions", split="train", data_home=shared_home)
    test = fetch_ucr("BasicMotions", split="test", data_home=shared_home)
    assert train.data.shape == (40, 100, 6) and test.data.shape == (40, 100, 6)
    assert_array_equal(
        train.target_names, ["Standing", "Running", "Walking", "Badminton"]
    )
    assert train.data[0, 0, 0] == 0.079106 and train.data[0, 99, 0] == -0.20515
    assert train.data[0, 0, 1] == 0.394032 and train.data[0, 99, 5] == -0.03196
    assert train.target[0] == "Standing" and train.target[39] == "Badminton"
    for target in (train.target, test.target):
        labels, counts = np.unique(target, return_counts=True)
        assert labels.tolist() == ["Badminton", "Running", "Standing", "Walking"]
        assert counts.tolist() == [10] * 4


def test_japanese_vowels_are_ragged(shared_home):
    train = fetch_ucr("JapaneseVowels", split="train", data_home=shared_home)
    test = fetch_ucr("JapaneseVowels", split="test", data_home=shared_home)
    assert isinstance(train.data, list) and len(train.data) == 270
    assert len(test.data) == 370 and not train.equal_length
    for bunch in (train, test):
        assert all(s.dtype == np.float32 and s.shape[1] == 12 for s in bunch.data)
        assert_array_equal(bunch.series_lengths, [len(s) for s in bunch.data])
    assert train.n_channels == 12
    assert (train.series_lengths.min(), train.series_lengths.max()) == (7, 26)
    assert (test.series_lengths.min(), test.series_lengths.max()) == (7, 29)
    assert train.series_lengths.sum() == 4274 and test.series_lengths.sum() == 5687
    assert train.data[0].shape == (20, 12) and train.data[0][0, 0] == 1.860936
    assert train.data[0][19, 11] == -0.175986 and train.target[0] == "1"
    assert test.data[0].shape == (19, 12) and test.data[0][0, 0] == 1.635533
    assert test.data[0][18, 11] == 0.108629
    assert_array_equal(train.target_names, [str(i) for i in range(1, 10)])
    assert (test.target == "3").sum() == 88 and (train.target == "3").sum() == 30
    assert "270 series of length 7-26 (unequal), 12 channel(s)" in train.DESCR

    both = fetch_ucr("JapaneseVowels", data_home=shared_home)
    assert len(both.data) == 640 and both.series_lengths.max() == 29
    assert_array_equal(both.data[270], test.data[0])


def test_split_none_is_train_then_test(shared_home):
    train = fetch_ucr("GunPoint", split="train", data_home=shared_home)
    test = fetch_ucr("GunPoint", split="test", data_home=shared_home)
    both = fetch_ucr("GunPoint", data_home=shared_home)
    assert both.data.shape == (200, 150, 1)
    assert_array_equal(both.data, np.concatenate([train.data, test.data]))
    assert_array_equal(both.target, np.concatenate([train.target, test.target]))
    assert both.split.tolist() == ["train"] * 50 + ["test"] * 150
    assert len(both.filenames) == 2 and both.filenames[1].endswith("GunPoint_TEST.ts")
    X, y = fetch_ucr("GunPoint", data_home=shared_home, return_X_y=True)
    assert_array_equal(X, both.data)
    assert_array_equal(y, both.target)


def test_as_list(shared_home):
    array = fetch_ucr("BasicMotions", split="test", data_home=shared_home).data
    listed = fetch_ucr(
        "BasicMotions", split="test", data_home=shared_home, as_list=True
    )
    assert isinstance(listed.data, list) and len(listed.data) == 40
    assert all(s.shape == (100, 6) for s in listed.data) and listed.equal_length
    assert_array_equal(np.stack(listed.data), array)


def test_shared_folder_is_never_written(shared_home):
    # the folder is read-only: nothing is downloaded (the fake urlopen would fail)
    if (
        os.access(shared_home / "ucr", os.W_OK)
        and os.stat(shared_home / "ucr").st_mode & 0o222
    ):
        pytest.skip("the shared folder is writable")
    with pytest.raises(FileNotFoundError, match="is read-only"):
        fetch_ucr("Coffee", data_home=shared_home)


# --- small .ts files ---------------------------------------------------------------


def test_univariate_with_comments_and_blank_lines(tmp_path):
    write_ts(tmp_path, "Toy", "TRAIN", TOY_TRAIN)
    write_ts(tmp_path, "Toy", "TEST", TOY_TEST)
    # float64: the values exactly as the file writes them
    toy = fetch_ucr("Toy", split="train", data_home=tmp_path, dtype=np.float64)
    assert_array_equal(toy.data, [[[1.0], [2.0], [3.0]], [[0.5], [-0.001], [400.0]]])
    assert toy.target.tolist() == ["a", "b"]
    assert toy.target_names.tolist() == ["b", "a"]  # declared order
    assert toy.DESCR.startswith(
        "Toy (UCR/UEA time series archive)\n"
        "---------------------------------\n\n"
        "A toy problem.\nSecond comment line.\n\n"
        "- 2 series of length 3, 1 channel(s)\n- 2 classes: b a\n"
    )
    both = fetch_ucr("Toy", data_home=tmp_path, dtype=np.float64)
    assert_array_equal(both.data[:, :, 0], [[1, 2, 3], [0.5, -0.001, 400], [7, 8, 9]])
    assert both.split.tolist() == ["train", "train", "test"]


def test_multivariate_unequal_length_with_missing_values(tmp_path):
    header = (
        "@problemName Ragged\n@missing true\n@univariate false\n@dimensions 2\n"
        "@equalLength false\n@classLabel true x y\n@data\n"
    )
    write_ts(tmp_path, "Ragged", "TRAIN", header + "1,?,3:4,5,6:x\n ? , 2 :8,9:y\n")
    ragged = fetch_ucr("Ragged", split="train", data_home=tmp_path)
    assert isinstance(ragged.data, list) and ragged.n_channels == 2
    assert_array_equal(ragged.data[0], [[1, 4], [np.nan, 5], [3, 6]])
    assert_array_equal(ragged.data[1], [[np.nan, 8], [2, 9]])
    assert ragged.series_lengths.tolist() == [3, 2] and ragged.missing
    assert not ragged.equal_length and "length 2-3 (unequal)" in ragged.DESCR


def test_declared_unequal_length_stays_a_list(tmp_path):
    text = "@equalLength false\n@classLabel true 0 1\n@data\n1,2:0\n3,4:1\n"
    write_ts(tmp_path, "Same", "TEST", text)
    same = fetch_ucr("Same", split="test", data_home=tmp_path)
    assert isinstance(same.data, list) and not same.equal_length
    assert_array_equal(same.data[1], [[3.0], [4.0]])


def test_train_and_test_of_different_lengths_give_a_list(tmp_path):
    write_ts(tmp_path, "Two", "TRAIN", "@classLabel true 0 1\n@data\n1,2:0\n3,4:1\n")
    write_ts(tmp_path, "Two", "TEST", "@classLabel true 0 1 2\n@data\n5,6,7:2\n")
    two = fetch_ucr("Two", data_home=tmp_path)
    assert isinstance(two.data, list) and two.series_lengths.tolist() == [2, 2, 3]
    assert two.equal_length is False and two.target.tolist() == ["0", "1", "2"]
    assert two.target_names.tolist() == ["0", "1", "2"]
    assert fetch_ucr("Two", split="train", data_home=tmp_path).data.shape == (2, 2, 1)


def test_regression_targets(tmp_path):
    text = "@problemName Reg\n@targetLabel true\n@data\n1,2:3,4:0.25\n4,5:6,7:-1e2\n"
    write_ts(tmp_path, "Reg", "TRAIN", text)
    reg = fetch_ucr("Reg", split="train", data_home=tmp_path)
    assert reg.task == "regression" and reg.target_names is None
    assert reg.target.dtype == np.float64 and reg.target.tolist() == [0.25, -100.0]
    assert_array_equal(reg.data, [[[1, 3], [2, 4]], [[4, 6], [5, 7]]])
    assert "- regression target" in reg.DESCR


def test_unlabelled_series(tmp_path):
    write_ts(tmp_path, "Free", "TEST", "@classLabel false\n@data\n1,2:3,4\n")
    X, y = fetch_ucr("Free", split="test", data_home=tmp_path, return_X_y=True)
    assert y is None
    assert_array_equal(X, [[[1, 3], [2, 4]]])
    free = fetch_ucr("Free", split="test", data_home=tmp_path)
    assert free.task is None and free.target_names is None


def test_lowercase_tags_and_the_zip_layout(tmp_path):
    text = "@problemname Low\n@univariate TRUE\n@classlabel true 1 2\n@data\n1,2,3:2\n"
    path = write_ts(tmp_path, "Low", "TRAIN", text, nested=True)
    low = fetch_ucr("Low", split="train", data_home=tmp_path, download_if_missing=False)
    assert low.filenames == [str(path)] and low.problem_name == "Low"
    assert_array_equal(low.data, [[[1.0], [2.0], [3.0]]])


def test_problem_name_defaults_to_name(tmp_path):
    write_ts(tmp_path, "Anon", "TRAIN", "@classLabel true a\n@data\n1:a\n")
    assert fetch_ucr("Anon", split="train", data_home=tmp_path).problem_name == "Anon"


def test_data_home_resolution(tmp_path, monkeypatch):
    write_ts(tmp_path / "env", "Toy", "TRAIN", TOY_TRAIN)
    write_ts(tmp_path / "arg", "Toy", "TRAIN", TOY_HEADER + "4,5,6:a\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SKLEARN_RNN_DATA", "env")  # relative to the cwd
    assert fetch_ucr("Toy", split="train").data.shape == (2, 3, 1)
    assert_array_equal(
        fetch_ucr("Toy", split="train", data_home="arg").data[0, :, 0], [4, 5, 6]
    )


L = "@classLabel true a\n@data\n"  # the data starts at line 3
BAD_HEADERS = [
    ("@problemName X\n@foo true\n@data\n1:a\n", 2, "unknown header tag '@foo'"),
    ("@timeStamps true\n@data\n", 1, "(@timeStamps true) are not supported"),
    ("@classLabel true\n@data\n", 1, "@classLabel true must list the labels"),
    ("@classLabel false a\n@data\n", 1, "@classLabel false takes no labels"),
    ("@classLabel true a b a\n@data\n", 1, "@classLabel lists a label twice"),
    ("#c\n@univariate maybe\n@data\n", 2, "@univariate takes true or false, got"),
    ("@seriesLength abc\n@data\n", 1, "@seriesLength takes one positive integer"),
    ("@dimensions 0\n@data\n", 1, "@dimensions takes one positive integer, got '0'"),
    ("@missing false\n@missing true\n@data\n", 2, "repeated header tag @missing"),
    ("@problemName A B\n@data\n", 1, "@problemName takes one name"),
    ("@\n@data\n", 1, "unknown header tag '@'"),
    ("@targetLabel true\n" + L, 3, "are exclusive"),
    ("@univariate true\n@dimensions 2\n@data\n", 3, "@univariate true with @dim"),
    ("@classLabel true a\n@data 1\n", 2, "unexpected text after @data"),
    ("# only a header\n@classLabel true a\n", 2, "no @data line"),
    ("@classLabel true a\n1,2:a\n", 2, "expected a header line (#, % or @), got '1,2"),
]
BAD_LINES = [
    ("@dimensions 2\n" + L + "1:2:a\n1:2:3:a\n", 5, "3 channels, expected 2"),
    (L + "1:2:a\n\n1:a\n", 5, "1 channels, expected 2"),
    (L + "1,2:a\n1,x:a\n", 4, "non-numeric value 'x'"),
    (L + "1,1_0:a\n", 3, "non-numeric value '1_0'"),
    (L + "1,,2:a\n", 3, "non-numeric value ''"),
    ("@classLabel true a b\n@data\n1:a\n2:c\n", 4, "label 'c' is not declared in"),
    (L + "1,2,3\n", 3, "no label"),
    (L + "1,2:\n", 3, "no label"),
    (L + "# nothing\n\n", 4, "no series after @data"),
    ("@seriesLength 3\n" + L + "1,2,3:a\n1,2,3,4:a\n", 5, "length 4, expected 3"),
    ("@equalLength true\n" + L + "1,2:a\n1:a\n", 5, "series of length 1, expected 2"),
    (L + "1,2:3:a\n", 3, "the channels have different lengths [1, 2]"),
    ("@targetLabel true\n@data\n1,2:high\n", 3, "non-numeric regression target"),
]


@pytest.mark.parametrize("text, lineno, message", BAD_HEADERS + BAD_LINES)
def test_malformed_files(tmp_path, text, lineno, message):
    path = write_ts(tmp_path, "Bad", "TRAIN", text)
    with pytest.raises(ValueError) as excinfo:
        fetch_ucr("Bad", split="train", data_home=tmp_path)
    assert str(excinfo.value).startswith(f"{path}, line {lineno}: ")
    assert message in str(excinfo.value)


def test_non_utf8_file(tmp_path):
    path = write_ts(tmp_path, "Bin", "TRAIN", "")
    path.write_bytes(b"@classLabel true a\n@data\n1,2:\xff\n")
    with pytest.raises(ValueError, match=f"{path} is not a UTF-8 text file"):
        fetch_ucr("Bin", split="train", data_home=tmp_path)


def test_train_and_test_must_match(tmp_path):
    write_ts(tmp_path, "Mix", "TRAIN", "@classLabel true a\n@data\n1:a\n")
    write_ts(tmp_path, "Mix", "TEST", "@classLabel true a\n@data\n1:2:a\n")
    with pytest.raises(ValueError, match="1 and 2 channels"):
        fetch_ucr("Mix", data_home=tmp_path)


@pytest.mark.parametrize(
    "name",
    ["../GunPoint", "ucr/GunPoint", "a\\b", "..", "", ".x", "Gun Point", "A" * 101],
)
def test_invalid_names(tmp_path, name):
    with pytest.raises(ValueError, match="Invalid UCR/UEA data set name"):
        fetch_ucr(name, data_home=tmp_path)
    assert not (tmp_path / "ucr").exists()


def test_invalid_parameters(tmp_path):
    with pytest.raises(InvalidParameterError, match="split"):
        fetch_ucr("GunPoint", split="all", data_home=tmp_path)
    with pytest.raises(InvalidParameterError, match="name"):
        fetch_ucr(3, data_home=tmp_path)


def test_missing_files_without_download(tmp_path):
    write_ts(tmp_path, "Half", "TRAIN", TOY_TRAIN)
    with pytest.raises(FileNotFoundError) as excinfo:
        fetch_ucr("Half", data_home=tmp_path, download_if_missing=False)
    message = str(excinfo.value)
    assert f"not found in {tmp_path / 'ucr'} and download_if_missing=False" in message
    assert URL.format("Half") in message and "SKLEARN_RNN_DATA" in message
    # the file present is enough for its own split
    assert fetch_ucr("Half", split="train", data_home=tmp_path).data.shape == (2, 3, 1)
    assert sorted(os.listdir(tmp_path / "ucr")) == ["Half_TRAIN.ts"]


def test_dtype_chooses_the_precision_of_the_series(tmp_path):
    home = tmp_path
    write_ts(home, "Toy", "TRAIN", TOY_TRAIN)
    single = fetch_ucr("Toy", split="train", data_home=home)
    double = fetch_ucr("Toy", split="train", data_home=home, dtype=np.float64)
    assert single.data.dtype == np.float32 and double.data.dtype == np.float64
    np.testing.assert_array_equal(single.data, double.data.astype(np.float32))
    with pytest.raises(ValueError, match="dtype must be numpy.float32"):
        fetch_ucr("Toy", split="train", data_home=home, dtype=np.int64)
