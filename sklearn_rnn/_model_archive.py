"""A model file on disk: opened as a bounded zip archive, written atomically.

Reading (:func:`open_archive`) accepts regular files only (never a device
such as ``/dev/zero``, nor a FIFO, which could block forever: the file is
opened non-blocking), and reads the archive's end-of-directory record before
``zipfile`` parses the directory, whose cost is per entry: a directory with
more entries or bytes than a model file may have is refused unread.

Writing (:func:`write_atomically`) goes to a temporary file in the target's
folder, renamed over the target once complete, so a reader never sees a
partial file and a failed write (a full disk, Ctrl-C) leaves the old file.
Otherwise it behaves as ``open(path, "wb")`` would, as ``np.save`` and
``joblib.dump`` users expect: a symlink's target is written (the link
stays), an existing file keeps its permissions, a new one gets the umask's,
and ``path`` may be str, bytes or path-like.
"""

import os
import secrets
import stat
import struct
import zipfile
from contextlib import contextmanager

#: Most entries a model file may have: weights and optimizer slots of 150
#: bidirectional GRU layers with Adam (24 entries each), and the rest.
MAX_ENTRIES = 4096
#: Longest entry name (the longest written is about 70 characters).
MAX_NAME_LENGTH = 128
#: Largest central directory: MAX_ENTRIES records of the longest names.
MAX_DIRECTORY_BYTES = MAX_ENTRIES * (46 + MAX_NAME_LENGTH + 32)

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_FILE_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
}


def _check_regular(mode):
    if not stat.S_ISREG(mode):
        kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise ValueError(f"it is {kind}, not a regular file")


def _directory_extent(file, size):
    """``(entries, bytes)`` the archive's end record declares for its directory,
    found as ``zipfile`` finds it (the last record, zip64 included)."""
    tail_size = min(size, _END.size + 2**16)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END.size:
        raise ValueError("it is not a zip archive (no end of central directory)")
    _, _, _, _, entries, directory_bytes, _, _ = _END.unpack_from(tail, at)
    if at >= _END64_LOCATOR.size:
        locator = _END64_LOCATOR.unpack_from(tail, at - _END64_LOCATOR.size)
        if locator[0] == b"PK\x06\x07":
            if locator[2] > size - _END64.size:
                raise ValueError("its zip64 end record lies beyond the file")
            file.seek(locator[2])
            record = _END64.unpack(file.read(_END64.size))
            if record[0] != b"PK\x06\x06":
                raise ValueError("its zip64 end record is corrupt")
            entries, directory_bytes = record[7], record[8]
    return entries, directory_bytes


@contextmanager
def open_archive(path):
    """Yield ``(archive, size)``: ``path``'s zip archive and its size in bytes.

    Raises
    ------
    OSError
        If ``path`` cannot be opened (``FileNotFoundError``, ``PermissionError``).
    ValueError
        If it is not a regular file, or its directory is larger than a model
        file's (its message is the reason only; the caller names the file).
    """
    _check_regular(os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())  # the file opened, not a swapped path
        _check_regular(info.st_mode)
        if file.read(6) == b"\x93NUMPY":
            raise ValueError("it is a single .npy array, not an .npz archive")
        entries, directory_bytes = _directory_extent(file, info.st_size)
        if entries > MAX_ENTRIES or directory_bytes > MAX_DIRECTORY_BYTES:
            raise ValueError(
                f"its directory declares {entries} entries in {directory_bytes} "
                f"bytes; a model file has at most {MAX_ENTRIES} entries in "
                f"{MAX_DIRECTORY_BYTES} bytes"
            )
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            yield archive, info.st_size


def _temporary_file(folder):
    """A new file in ``folder``, created as ``open(..., "wb")`` creates one
    (mode 0o666 less the umask): ``(descriptor, path)``."""
    for _ in range(100):
        path = os.path.join(folder, f".sklearn_rnn-{secrets.token_hex(8)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {folder!r}")


def write_atomically(path, write):
    """Call ``write(file)`` on a temporary file, then rename it to ``path``.

    Parameters
    ----------
    path : str, bytes or path-like
        A symlink is followed: its target is replaced, the link kept.
    write : callable
        Writes the content to the binary file it is given.
    """
    target = os.path.realpath(os.fsdecode(os.fspath(path)))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)  # an existing file keeps it
    except FileNotFoundError:
        mode = None
    descriptor, temporary = _temporary_file(os.path.dirname(target))
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
