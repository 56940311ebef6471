"""Hostile org names typed into the Organizations form read as text on every page, export and audit entry.

A name is Markdown-looking (bold, a link, a remote image, a colour directive, math), carries a right-to-left
override and starts like a spreadsheet formula. Every st.* call that renders Markdown must show it escaped;
every CSV must start such a cell with a `'` (OWASP's advice against CSV injection).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1.element_tree import AlertBase, Block, Element, HeadingBase, Markdown, Toast

from benchmarks.seed import seed_org
from lib.export.__main__ import EXIT_OK, run
from lib.export.writers import csv_bytes, neutralise_formulas
from lib.store import ORG_CREATED
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv, page_files

MARKDOWN_PART = (
    "**Bold** [click me](http://evil.example/phish) ![px](http://evil.example/pixel.png) :red[red] $x^2$ "
    "<b>tag</b> www.evil.example \u202egpj.exe"
)
HOSTILE = '=HYPERLINK("http://evil.example","click") ' + MARKDOWN_PART
# Elements whose `value` Streamlit renders as Markdown (widget values, like a selectbox's, are text).
MARKDOWN_VALUES = (Markdown, HeadingBase, AlertBase, Toast)


def markdown_bodies(node: Block | Element) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown: bodies, labels, captions, help."""
    found: list[str] = []
    if isinstance(node, Block):
        label = getattr(node, "label", None)  # expanders, status, tabs
        if isinstance(label, str):
            found.append(label)
        for child in node.children.values():
            found += markdown_bodies(child)
        return found
    if isinstance(node, MARKDOWN_VALUES) and isinstance(node.value, str):
        found.append(node.value)  # type: ignore[attr-defined]
    label = getattr(node.proto, "label", None)
    if isinstance(label, str):
        found.append(label)
    return found


def assert_text_only(bodies: list[str]) -> None:
    """The hostile name never reaches Markdown unescaped; where it shows, it reads exactly as typed."""
    for body in bodies:
        assert "[click me](" not in body and "![px]" not in body and ":red[" not in body, body
        assert "$x^2$" not in body and "<b>" not in body and "www.evil" not in body, body
        assert "\u202e" not in body, "a right-to-left override reached the page"


def create_through_form(console_env: ConsoleEnv) -> str:
    at = console_env.page("2_Organizations.py").run()
    values = {
        "name": HOSTILE,
        "provider_id": console_env.unique("hostile"),
        "email": "owner@example.com",
        "first_name": "**Ann**",
        "last_name": "[x](http://evil.example)",
    }
    for name, value in values.items():
        at.text_input(key=f"org_form_{name}").input(value)
    at.button(key="create_org_submit").click().run()
    assert not at.exception
    assert_text_only(markdown_bodies(at._tree))
    [org] = console_env.records.list_orgs()
    assert org.name == HOSTILE, "the name is stored exactly as typed"
    return org.org_id


def test_a_hostile_org_name_is_text_on_every_page(console_env: ConsoleEnv) -> None:
    create_through_form(console_env)
    console_env.choose(console_env.records.list_orgs()[0].org_id)  # as the form did: it is the current org
    seen_escaped = []
    for page in page_files():
        at = console_env.page("app.py" if page.name == "app.py" else page.name).run()
        assert not at.exception, (page.name, [e.value for e in at.exception])
        bodies = markdown_bodies(at._tree)
        assert_text_only(bodies)
        seen_escaped += [
            page.name for body in bodies if MARKDOWN_PART.replace("\u202e", "") in rendered(body)
        ]
    # The name does show, as typed (less the override), on the pages that title the current org.
    assert {"app.py", "3_Integrations.py", "6_Org_status.py"} <= set(seen_escaped), seen_escaped


def test_a_hostile_org_name_is_neutralised_in_the_csv_exports_and_text_in_the_audit_log(
    console_env: ConsoleEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_through_form(console_env)  # audited as the console does, with the name in the request
    api = console_env.client()
    seeded = seed_org(api, "rosas-cantina", name=HOSTILE, dsp=None, records=console_env.records)
    # The export CLI, as an analyst runs it, over every recorded org.
    monkeypatch.setenv("DATABASE_URL", console_env.database_url)
    out = tmp_path / "portfolio.csv"
    code = run(["--all", "--format", "csv", "--out", str(out)], out=io.StringIO(), err=io.StringIO())
    assert code == EXIT_OK
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    names = set(table.loc[table["org_id"] == seeded.org_id, "org_name"])
    assert names == {"'" + HOSTILE}, "a spreadsheet would run the name as a formula"

    # The audit log: the create entry (its request holds the name) reads as text on the page.
    [entry] = console_env.records.list_audit(action=ORG_CREATED)
    assert entry.request["name"] == HOSTILE
    at = console_env.page("8_Audit_log.py").run()
    assert not at.exception
    assert_text_only(markdown_bodies(at._tree))


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_gets_a_quote_and_numbers_stay_numbers(prefix: str) -> None:
    frame = pd.DataFrame({"name": [f"{prefix}SUM(A1:A2)", "Rosa's"], "count": [-2, 3]})
    assert neutralise_formulas(frame)["name"].tolist() == [f"'{prefix}SUM(A1:A2)", "Rosa's"]
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), keep_default_na=False)
    assert back["name"].tolist() == [f"'{prefix}SUM(A1:A2)", "Rosa's"]
    assert back["count"].tolist() == [-2, 3], "numeric columns are left alone"
