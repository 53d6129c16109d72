"""numpydoc's validation of every public docstring, as scikit-learn's
``test_docstrings.py`` does: the classes and functions in the ``__all__`` of
each public module, and their public methods and properties."""

import importlib
import inspect

import pytest
from _docstring_gaps import KNOWN_GAPS

from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor

numpydoc_validation = pytest.importorskip("numpydoc.validate")
NumpyDocString = pytest.importorskip("numpydoc.docscrape").NumpyDocString

PUBLIC_MODULES = [
    "sklearn_rnn",
    "sklearn_rnn.datasets",
    "sklearn_rnn.exceptions",
    "sklearn_rnn.inspection",
    "sklearn_rnn.nn",
    "sklearn_rnn.nn.cells",
    "sklearn_rnn.nn.layers",
    "sklearn_rnn.nn.optimizers",
    "sklearn_rnn.onnx",
    "sklearn_rnn.persistence",
    "sklearn_rnn.preprocessing",
    "sklearn_rnn.sktime",
    "sklearn_rnn.text",
]

#: The checks not applied, and why (the rest of numpydoc's checks apply).
IGNORED = {
    # The project's style (PEP 257, as ruff formats): the summary starts on
    # the line of the opening quotes.
    "GL01",
    # A Returns entry may name what it returns ("display : LossCurveDisplay");
    # scikit-learn ignores it too.
    "RT02",
}
#: Checks not applied to methods, as in scikit-learn: a method is read with
#: its class, whose docstring has the extended summary, See Also and Examples.
IGNORED_FOR_METHODS = {"ES01", "SA01", "EX01"}


def public_objects():
    """``(name, obj, owner)`` of every public class, function and method;
    ``owner`` is the class of a method, else None."""
    seen = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # constants: CELLS, POOLINGS, FORMAT_VERSION, ...
            qualified = f"{obj.__module__}.{obj.__qualname__}"
            if qualified in seen:
                continue
            seen.add(qualified)
            yield qualified, obj, None
            if inspect.isclass(obj):
                yield from public_members(qualified, obj)


def public_members(qualified, cls):
    """The public methods and properties of ``cls`` written in this package
    (scikit-learn's and sktime's own are theirs to document)."""
    for name in sorted(dir(cls)):
        if name.startswith("_") or name.endswith("_request"):
            continue
        static = inspect.getattr_static(cls, name)
        member = getattr(cls, name)
        function = static.fget if isinstance(static, property) else member
        module = getattr(inspect.unwrap(function), "__module__", None) or ""
        if not module.startswith("sklearn_rnn") or not callable(function):
            continue
        yield f"{qualified}.{name}", member, cls


def documented_origin(name, obj, owner):
    """The name to validate: an override with no docstring of its own is
    documented by the method it overrides (as ``help`` and Sphinx show it),
    whose parameters must then be its own."""
    if owner is None or obj.__doc__ is not None or isinstance(obj, property):
        return name
    method = name.rsplit(".", 1)[1]
    for base in owner.__mro__[1:]:
        inherited = base.__dict__.get(method)
        if inherited is not None and inherited.__doc__:
            assert list(inspect.signature(obj).parameters) == list(
                inspect.signature(inherited).parameters
            ), f"{name} overrides {base.__qualname__}.{method} with other parameters"
            return f"{base.__module__}.{base.__qualname__}.{method}"
    return name


OBJECTS = sorted(public_objects(), key=lambda item: item[0])


@pytest.mark.parametrize(
    "name, obj, owner",
    [
        pytest.param(
            *item,
            marks=pytest.mark.xfail(strict=True, reason="not documented yet")
            if item[0] in KNOWN_GAPS
            else (),
        )
        for item in OBJECTS
    ],
    ids=[name for name, _, _ in OBJECTS],
)
def test_docstring(name, obj, owner):
    result = numpydoc_validation.validate(documented_origin(name, obj, owner))
    ignored = IGNORED | (IGNORED_FOR_METHODS if owner is not None else set())
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in ignored
    ]
    assert not errors, f"{name}:\n" + "\n".join(errors)


def test_the_public_api_is_covered():
    names = {name for name, _, _ in OBJECTS}
    assert "sklearn_rnn._regressor.ScratchRNNRegressor.fit" in names
    assert "sklearn_rnn.sktime._classifier.RNNClassifier" in names
    assert len(names) > 150


# ------------------------------------------------------------- the estimators
@pytest.mark.parametrize("cls", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_the_estimators_spell_out_their_signature(cls):
    assert cls.__init__.__qualname__ == f"{cls.__name__}.__init__"
    assert inspect.getsourcefile(cls.__init__) == inspect.getsourcefile(cls)
    parameters = inspect.signature(cls.__init__).parameters
    assert list(parameters)[1] == "hidden_size" and len(parameters) == 48


@pytest.mark.parametrize("cls", [ScratchRNNClassifier, ScratchRNNRegressor])
def test_every_fitted_attribute_is_documented(cls):
    documented = {item.name for item in NumpyDocString(cls.__doc__)["Attributes"]}
    fitted = {
        name
        for name in (*cls._fitted_scalars, *cls._fitted_arrays)
        if not name.startswith("_")
    }
    assert fitted | {"network_"} <= documented


def test_the_shared_parameters_read_alike():
    """The two estimators' docstrings are plain text, each complete; the
    parameters they share are described alike, but for the words that name
    the estimator's task."""
    task_words = {
        "return_sequences",
        "batch_size",
        "early_stopping",
        "validation_fraction",  # the regressor's early stopping is on: 0.2
    }
    classifier = {
        p.name: p for p in NumpyDocString(ScratchRNNClassifier.__doc__)["Parameters"]
    }
    regressor = {
        p.name: p for p in NumpyDocString(ScratchRNNRegressor.__doc__)["Parameters"]
    }
    shared = set(classifier) & set(regressor)
    assert len(shared) == 46
    for name in shared - task_words:
        assert classifier[name] == regressor[name], name
