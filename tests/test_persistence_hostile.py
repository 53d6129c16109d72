"""Model files from strangers, second pass (issue 21, item 3): what the file
is (a device, a FIFO), what its directory declares (entries, methods, flags),
what its hyperparameters multiply to, and its integers. Each is refused with
a ValueError, fast and with bounded memory; no other exception escapes."""

import json
import os
import struct
import threading
import zipfile

import numpy as np
import pytest
from _persistence_data import (
    INVALID,
    assert_refused_fast,
    edited,
    file_arrays,
    saved,
)

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn._model_archive import MAX_ENTRIES
from sklearn_rnn.persistence import load_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
IDS = RNG.randint(0, 40, size=(40, 6))
LABELS = RNG.randint(0, 2, 40)


@pytest.fixture(scope="module")
def large_arrays(tmp_path_factory):
    """A valid 1.2 MB file: the old bound, the sum of the dense widths, let
    much larger networks through it than the small files of the other tests."""
    clf = ScratchRNNClassifier(
        embedding_dim=8, vocab_size=12_000, hidden_size=8, max_iter=1, random_state=0
    )
    return file_arrays(clf.fit(IDS, LABELS), tmp_path_factory.mktemp("large"))


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    clf = ScratchRNNClassifier(
        embedding_dim=1, hidden_size=1, cell="rnn", solver="sgd", max_iter=1
    )
    path = saved(clf.fit(IDS % 6, LABELS), tmp_path_factory.mktemp("tiny"))
    return path.read_bytes()


@pytest.mark.parametrize(
    "params",
    [
        {"dense_layers": [20_000, 20_000]},  # 4.7 GB, 16 s before the fix
        {"dense_layers": [8_000] * 3},
        {"hidden_size": 1200, "cell": "lstm", "bidirectional": True, "num_layers": 3},
        {"hidden_size": 400, "num_layers": 50},
    ],
    ids=["dense-bomb", "dense-stack", "recurrent-stack", "deep-gru"],
)
def test_networks_the_file_cannot_hold_are_refused_before_building(
    params, large_arrays, tmp_path
):
    """The bound is the product of the layers' widths (gates and directions
    included) times the optimizer's copies, not their sum."""
    path = tmp_path / "model.npz"
    np.savez(path, **edited(large_arrays, "params", lambda p: p.update(params)))
    assert path.stat().st_size > 10**6
    assert_refused_fast(path, f"{INVALID}: its hyperparameters call for at least")


def test_the_size_bound_counts_the_optimizer_slots(large_arrays, tmp_path):
    """1.2 MB of weights (about 400 KB) and Adam slots: tripling the table
    passes a weights-only bound, not one with the two slots."""
    path = tmp_path / "model.npz"
    arrays = edited(large_arrays, "params", lambda p: p.update(vocab_size=36_000))
    arrays = edited(arrays, "state", lambda s: s["scalars"].update(vocab_size_=36_000))
    np.savez(path, **arrays)
    assert path.stat().st_size > 36_000 * 8 * 4  # the table alone would fit
    assert_refused_fast(path, "weights and optimizer slots, but the file has")


# ------------------------------------------------------------- not a file
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_unread():
    assert_refused_fast("/dev/zero", f"{INVALID}: it is a character device, not a")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_symlink_to_a_device_is_refused(tmp_path):
    os.symlink("/dev/zero", tmp_path / "model.npz")
    assert_refused_fast(tmp_path / "model.npz", "character device")


def test_a_directory_is_refused(tmp_path):
    assert_refused_fast(tmp_path, f"{INVALID}: it is a directory, not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_without_writer_is_refused_without_blocking(tmp_path):
    """It used to block forever in open()."""
    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    outcome = []

    def load():
        try:
            load_model(fifo)
        except ValueError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert "it is a FIFO (named pipe), not a regular file" in str(outcome[0])


# -------------------------------------------------------------- directory
def empty_entries(path, count):
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(count):
            archive.writestr(f"{i}", b"")


def test_more_entries_than_a_model_has_are_refused_unparsed(tmp_path):
    """200,000 empty entries took 1.9 s and 180 MB (and a 1.9 MB message)."""
    path = tmp_path / "model.npz"
    empty_entries(path, 5 * MAX_ENTRIES)
    assert_refused_fast(path, f"declares {5 * MAX_ENTRIES} entries in")


def test_a_directory_whose_end_record_lies_is_refused_by_its_size(tmp_path):
    path = tmp_path / "model.npz"
    empty_entries(path, 5 * MAX_ENTRIES)
    data = bytearray(path.read_bytes())
    struct.pack_into("<2H", data, len(data) - 22 + 8, 5, 5)  # "5 entries"
    path.write_bytes(data)
    assert_refused_fast(path, "declares 5 entries in [0-9]+ bytes")


def test_a_single_unknown_name_is_refused_before_reading(tmp_path, tiny_file):
    path = tmp_path / "model.npz"
    path.write_bytes(tiny_file)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../../etc/passwd.npy", b"")
    assert_refused_fast(path, r"unexpected entry '\.\./\.\./etc/passwd\.npy'")


def central_records(data):
    """Offsets of the central directory records of a zip held in ``data``."""
    end = len(data) - 22
    position = struct.unpack_from("<L", data, end + 16)[0]
    while position < end:
        yield position
        names, extra, comment = struct.unpack_from("<3H", data, position + 28)
        position += 46 + names + extra + comment


def assert_loads_or_value_error(path):
    """The rule: reading a file raises a ValueError or nothing."""
    try:
        load_model(path)
    except ValueError as exc:
        assert INVALID in str(exc)


def test_every_bit_of_version_flags_and_method_fields(tmp_path, tiny_file):
    """Single bit flips there raised NotImplementedError (compression method,
    zip version, flag bits 5 and 6) and RuntimeError (the encryption flag)."""
    path = tmp_path / "model.npz"
    data = tiny_file
    for record in central_records(data):
        for offset in range(record + 6, record + 12):  # version, flags, method
            for bit in range(8):
                flipped = bytearray(data)
                flipped[offset] ^= 1 << bit
                path.write_bytes(flipped)
                assert_loads_or_value_error(path)


def test_bit_flips_anywhere_raise_value_errors_only(tmp_path, tiny_file):
    path = tmp_path / "model.npz"
    rng = np.random.RandomState(0)
    for offset in rng.choice(len(tiny_file), 300, replace=False):
        flipped = bytearray(tiny_file)
        flipped[offset] ^= 1 << rng.randint(8)
        path.write_bytes(flipped)
        assert_loads_or_value_error(path)


# ---------------------------------------------------------------- integers
@pytest.mark.parametrize(
    "key, edit, message",
    [
        (
            "state",
            lambda s: s["optimizer"].update(iterations=10**400),
            r"the integer 10{29}\.\.\. \(401 digits\) is out of range",
        ),
        (
            "state",
            lambda s: s["optimizer"].update(iterations=2**63),
            "the integer 9223372036854775808 is out of range",
        ),
        (
            "state",
            lambda s: s["scalars"].update(n_iter_=-(2**63) - 1),
            "the integer -9223372036854775809 is out of range",
        ),
        ("state", lambda s: s["scalars"].update(t_=-1), "t_ is negative"),
        (
            "state",
            lambda s: s["scalars"].update(flat_steps_=10**12),
            "flat_steps_ must be positive exactly with flat_units",
        ),
        (
            "state",
            lambda s: s["scalars"]["_rng_state"].__setitem__(0, 10**6),
            "the stored random state is invalid",
        ),
        ("params", lambda p: p.update(hidden_size=10**30), "is out of range"),
        ("params", lambda p: p.update(max_iter=2**64), "is out of range"),
    ],
    ids=[
        "iterations-1e400",
        "iterations-2**63",
        "n_iter_-below-int64",
        "negative-t_",
        "flat_steps_-without-flat_units",
        "rng-position",
        "hidden_size-1e30",
        "max_iter-2**64",
    ],
)
def test_every_stored_integer_is_bounded(key, edit, message, tmp_path, tiny_file):
    """iterations=10**400 loaded, and partial_fit then raised OverflowError."""
    (tmp_path / "valid.npz").write_bytes(tiny_file)
    with np.load(tmp_path / "valid.npz", allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    path = tmp_path / "model.npz"
    np.savez(path, **edited(arrays, key, edit))
    assert_refused_fast(path, message)


def test_the_largest_valid_counters_load_and_train(tmp_path, tiny_file):
    (tmp_path / "valid.npz").write_bytes(tiny_file)
    with np.load(tmp_path / "valid.npz", allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    document = json.loads(str(arrays["state"]))
    document["optimizer"]["iterations"] = 2**63 - 1
    document["scalars"]["t_"] = 2**63 - 1
    np.savez(
        tmp_path / "model.npz", **{**arrays, "state": np.array(json.dumps(document))}
    )
    clf = load_model(tmp_path / "model.npz")
    clf.partial_fit(IDS % 6, LABELS)
    assert clf._optimizer.iterations > 2**63
