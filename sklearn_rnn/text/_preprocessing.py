"""Text clean-up functions usable as a vectorizer ``preprocessor``."""

import html
import re

# An HTML tag or comment: "<br />", "<i>", "</a>", '<a href="...">', "<!-- x -->".
# A "<" followed by a space or a digit ("a < b", "<3") is not a tag and is kept.
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.DOTALL)


def strip_html(text, *, lowercase=False):
    """Replace HTML tags by spaces and unescape HTML entities.

    Tags (``<br />``, ``<i>``, ...) and comments become a space, so that words on
    both sides stay apart; entities (``&amp;``, ``&#233;``) become their characters.
    Tags are removed before unescaping, so escaped text such as ``&lt;br&gt;``
    stays as the literal ``<br>``.

    When used as the ``preprocessor`` of a vectorizer, it replaces the
    vectorizer's whole preprocessing step, including lowercasing (scikit-learn
    semantics): pass ``functools.partial(strip_html, lowercase=True)`` to
    lowercase as well.

    Parameters
    ----------
    text : str
        The document.

    lowercase : bool, default=False
        Also lower-case the result.

    Returns
    -------
    text : str
        The cleaned document.

    See Also
    --------
    SequenceVectorizer : Takes it as its ``preprocessor``.
    sklearn_rnn.datasets.fetch_imdb : Reviews with HTML line breaks.

    Examples
    --------
    >>> from sklearn_rnn.text import strip_html
    >>> strip_html("Great film!<br /><br />Caf&eacute; &amp; <i>Bar</i>")
    'Great film!  Café &  Bar '
    >>> strip_html("Fish &lt;br&gt; &amp; 2 < 3", lowercase=True)
    'fish <br> & 2 < 3'

    As a preprocessor:

    >>> from functools import partial
    >>> from sklearn_rnn.text import SequenceVectorizer
    >>> vec = SequenceVectorizer(preprocessor=partial(strip_html, lowercase=True))
    >>> vec.fit(["Good<br />Movie", "good"]).get_vocabulary()
    array(['<pad>', '<oov>', 'good', 'movie'], dtype=object)
    """
    text = html.unescape(_TAG.sub(" ", text))
    return text.lower() if lowercase else text
