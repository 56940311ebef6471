"""Helpers shared by test areas."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Html

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


class _TableText(HTMLParser):
    """The text of each <table>'s cells, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(bodies: list[str]) -> list[pd.DataFrame]:
    """The HTML tables in these st.html bodies as a person reads them: headings as columns, each cell's text
    (a blank cell is "")."""
    found: list[pd.DataFrame] = []
    for body in bodies:
        parser = _TableText()
        parser.feed(body)
        found += [pd.DataFrame(rows[1:], columns=rows[0]) for rows in parser.tables if rows]
    return found


def screen_html_tables(at: AppTest) -> list[pd.DataFrame]:
    """The tables an AppTest's screen draws as HTML (st.html), in order, as html_tables reads them."""
    return html_tables([h.value for h in at.get("html") if isinstance(h, Html)])
