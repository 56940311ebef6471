"""Helpers shared by test areas."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_ACTION = re.compile(r"""\baction=['"]([^'"]*)['"]""", re.IGNORECASE)
_HIDDEN_MERCHANT = re.compile(
    r"""<input[^>]*name=['"]merchant['"][^>]*value=['"]([^'"]*)['"]""", re.IGNORECASE
)
_OPTION = re.compile(r"""<option[^>]*value=['"]([^'"]*)['"]""", re.IGNORECASE)


def follow_consent(entry_url: str, approve: bool = True, merchant: str | None = None) -> dict[str, str]:
    """Be the person on an OAuth consent page: open it, press Approve (or Deny), stop at the redirect.

    The merchant picked is `merchant`, else the one the page fixes (a DSP for an org whose POS is
    connected), else the first in the list. Returns the query parameters of the redirect to return_url:
    {"code": ...} after an approval (plus whatever return_url carried, e.g. "state"), {"error": ...,
    "error_description": ...} after a denial. Raises AssertionError when the page or the redirect is not
    what a browser would get.
    """
    with httpx.Client(timeout=30, follow_redirects=False) as http:
        page = http.get(entry_url)
        assert page.status_code == 200, f"consent page answered {page.status_code}: {page.text[:300]}"
        html = page.text
        form = _FORM.search(html)
        assert form is not None, "the consent page has no form"
        action = _ACTION.search(form.group(0))
        target = urljoin(entry_url, unescape(action.group(1))) if action and action.group(1) else entry_url
        fields = {"action": "approve" if approve else "deny"}
        fixed = _HIDDEN_MERCHANT.search(html)
        options = [unescape(value) for value in _OPTION.findall(html)]
        chosen = (
            merchant or (unescape(fixed.group(1)) if fixed else None) or (options[0] if options else None)
        )
        if chosen is not None:
            fields["merchant"] = chosen
        answer = http.post(target, data=fields)
        assert answer.status_code in (302, 303), f"consent answered {answer.status_code}: {answer.text[:300]}"
        location = answer.headers["location"]
    return dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))


class FakeClock:
    """A clock tests move by hand (records, watcher passes); thread-safe."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **kwargs: float) -> None:
        with self._lock:
            self._now += timedelta(**kwargs)


_ESCAPED = re.compile(r"\\(.)")


def rendered(markdown: str) -> str:
    """What a person reads of an st.* Markdown body: escapes and word joiners (lib.ui.text.md) undone."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")
