"""Threads: one training call at a time per estimator; readers see committed states.

Each estimator has a :class:`StateGuard`, created on first use and kept
beside it (a weak mapping), not in it: pickles, clones and copies of the
estimator never hold it, and get their own.

- **training calls** (``fit``, ``partial_fit``; :func:`trains_alone`) run
  one at a time: a second thread's call waits for the first to finish, then
  runs, so concurrent calls act as some sequence of whole calls.  A call
  from inside a training call of the same estimator in the same thread (a
  callback) raises a RuntimeError instead of deadlocking;
- **readers** (predictions, ``transform``, ``score``, saving, pickling;
  :func:`reads_committed_state`) never wait for training and never see it
  half done: while a call trains, they read a *snapshot* of the state
  before the call (:func:`snapshot`), which the call's
  :class:`~sklearn_rnn._state.Transaction` publishes before it changes
  anything.  The snapshot costs no copy: its attributes are the ones the
  transaction keeps for the undo, and its weights and optimizer slots the
  checkpoint's copies (:meth:`~sklearn_rnn.nn.checkpoint.Checkpoint.committed`);
- before a training call changes anything in place, it waits until every
  reader of an older state has finished (a prediction's time at most).

A reader in the training thread itself (a callback) sees the state being
trained.
"""

import functools
import threading
import weakref
from contextlib import contextmanager

#: Marks a snapshot: its readers read it as it is.
SNAPSHOT_ATTRIBUTE = "_committed_snapshot"


class _Call:
    """Stands for one training call or one read while it runs: it is a local
    of the call, so it dies with it, even when Ctrl-C stops the call's
    clean-up half way (the guard holds it weakly)."""


class StateGuard:
    """One estimator's training lock and the state its readers read."""

    #: Seconds between checks for calls ended without their clean-up.
    POLL = 0.05

    def __init__(self):
        self._condition = threading.Condition()
        self._trainer = None  # weak reference to the running training call
        self._trainer_thread = None
        self._published = None  # what readers read while it runs
        self._readers = {}  # id of a read -> (weak reference to it, what it reads)

    def _training(self):
        return self._trainer is not None and self._trainer() is not None

    def _wait(self, done):
        while not done():
            self._condition.wait(self.POLL)

    @contextmanager
    def training(self, name):
        """Run a training call alone (others wait); ``name`` is the caller's."""
        call = _Call()
        try:
            with self._condition:
                if self._training() and self._trainer_thread == threading.get_ident():
                    raise RuntimeError(
                        f"{name} was called while this thread trains the same "
                        "estimator (from a callback?); call it after fit or "
                        "partial_fit returns."
                    )
                self._wait(lambda: not self._training())
                self._trainer = weakref.ref(call)
                self._trainer_thread = threading.get_ident()
                self._published = None
            yield
        finally:
            _uninterrupted(self._end_training, call)

    def _end_training(self, call):
        with self._condition:
            if self._trainer is not None and self._trainer() is call:
                self._trainer = self._published = None
                self._condition.notify_all()

    def publish(self, state, wait=True):
        """Let readers read ``state`` (None: the estimator itself); with
        ``wait``, return once no reader reads anything else."""
        with self._condition:
            self._published = state
            if wait:
                self._wait(lambda: self._read_only(id(state)))

    def _read_only(self, key):
        """Whether every running read reads ``key`` (forgetting ended ones)."""
        for read_id, (read, state_id) in list(self._readers.items()):
            if read() is None:
                del self._readers[read_id]
            elif state_id != key:
                return False
        return True

    @contextmanager
    def reading(self, estimator):
        """Yield what a reader of ``estimator`` reads: the estimator, or the
        published snapshot while another thread trains it."""
        call = _Call()
        try:
            with self._condition:
                if self._training() and self._trainer_thread == threading.get_ident():
                    state = estimator  # a callback of the training call
                else:
                    state = estimator if self._published is None else self._published
                    self._readers[id(call)] = (weakref.ref(call), id(state))
            yield state
        finally:
            _uninterrupted(self._end_reading, call)

    def _end_reading(self, call):
        with self._condition:
            if self._readers.pop(id(call), None) is not None:
                self._condition.notify_all()


def _uninterrupted(function, *args):
    """Call ``function``, again if a KeyboardInterrupt stops it."""
    while True:
        try:
            return function(*args)
        except KeyboardInterrupt:
            continue


_GUARDS = weakref.WeakKeyDictionary()


def guard_of(estimator):
    """The estimator's guard (created once: ``setdefault`` is atomic)."""
    return _GUARDS.get(estimator) or _GUARDS.setdefault(estimator, StateGuard())


@contextmanager
def committed_state(estimator):
    """Yield the estimator's committed state to read (see the module docstring)."""
    if vars(estimator).get(SNAPSHOT_ATTRIBUTE):
        yield estimator
        return
    with guard_of(estimator).reading(estimator) as state:
        yield state


def snapshot(estimator, attributes):
    """An object of ``estimator``'s class whose attributes are ``attributes``,
    for readers only (nothing ever writes to it)."""
    state = object.__new__(type(estimator))
    vars(state).update(attributes)
    vars(state)[SNAPSHOT_ATTRIBUTE] = True
    return state


def trains_alone(method):
    """Decorate a training method: one call at a time per estimator."""

    @functools.wraps(method)
    def alone(self, *args, **kwargs):
        with guard_of(self).training(method.__name__):
            return method(self, *args, **kwargs)

    alone.trains_alone = True
    return alone


def reads_committed_state(method):
    """Decorate a reading method: it runs on the committed state."""

    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        with committed_state(self) as state:
            return method(state, *args, **kwargs)

    reading.reads_committed_state = True
    return reading
