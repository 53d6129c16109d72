"""Optional support for scikit-learn's callback API (``sklearn.callback``, >= 1.9).

With a scikit-learn that has it, the estimators accept
``set_callbacks(ProgressBar())`` and any ``FitCallback``: ``fit`` is the root
task and each epoch a subtask whose ``on_fit_task_end`` may stop training.
With an older scikit-learn the same code runs against a no-op context.
"""

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # scikit-learn < 1.9: no callback API

    class _NoCallbackContext:
        """Stands in for ``CallbackContext``: every hook is a no-op."""

        def subcontext(self, **kwargs):
            return self

        def call_on_fit_task_begin(self, **kwargs):
            return False

        def call_on_fit_task_end(self, **kwargs):
            return False

    class CallbackSupportMixin:
        """No callback API in this scikit-learn; hooks do nothing."""

        def _init_callback_context(self, **kwargs):
            return _NoCallbackContext()

    def with_callbacks(method):
        return method


#: Attributes the callback machinery keeps on the estimator during fit; they
#: belong to the caller, not to the model state saved and restored on error.
CALLBACK_ATTRIBUTES = frozenset(
    {
        "_skl_callbacks",
        "_callback_fit_ctx",
        "_skl_callbacks_to_teardown",
        "_parent_callback_ctx",
    }
)

__all__ = ["CALLBACK_ATTRIBUTES", "CallbackSupportMixin", "with_callbacks"]
