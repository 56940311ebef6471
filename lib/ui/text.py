"""Text from people and APIs shown as text: escaped for the Markdown that most st.* calls interpret."""

from __future__ import annotations

import re

# Every character Markdown, GitHub-flavoured extensions or Streamlit's own syntax give a meaning:
# links and images ([]()!), emphasis (*_~), code (`), HTML (<>), headings and lists (#+-.|), math ($),
# Streamlit's :color[...] / :material/...: directives (:[]) and the backslash itself.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")
# Bidirectional controls reorder what follows them (an RTL override can make "gpj.exe" read "exe.jpg").
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None
)
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
# GitHub-flavoured Markdown turns bare http://… and www.… into links after escapes are undone; an invisible
# word joiner inside the scheme or after "www" keeps them text.
_BARE_LINK = re.compile(r"(?i)(https?|www)(?=\\[:.])")
_WORD_JOINER = "\u2060"


def plain(value: object) -> str:
    """The value as one line of text: bidirectional controls removed, line breaks as spaces."""
    return _LINE_BREAKS.sub(" ", str(value).translate(_BIDI_CONTROLS))


def md(value: object) -> str:
    """The value escaped for any st.* call that takes Markdown, so it renders exactly as typed."""
    return _BARE_LINK.sub(r"\1" + _WORD_JOINER, _SPECIAL.sub(r"\\\1", plain(value)))
