"""The console's page menu and every link it draws: each carries the current org in the address (?org=<id>).

Streamlit's own page menu is turned off (`client.showSidebarNavigation = false`); the `pages/` folder stays
as it is, so a deep link such as /Bind?org=<id> runs the page directly on a fresh server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lib.access import Action, Role, can

ORG_PARAM = "org"  # the query parameter that names the current org on every page
CURRENT_ORG_KEY = "current_org_id"  # plain session state, owned by no widget: a page change never drops it
MENU_KEY = "nav"  # the menu's container: `.st-key-nav` in the browser


@dataclass(frozen=True)
class NavPage:
    """One entry of the menu: the page file, its label and icon, and what the person must be allowed."""

    path: str
    label: str
    icon: str
    requires: Action = Action.VIEW


PAGES: tuple[NavPage, ...] = (
    NavPage("app.py", "Home", "🧭"),
    NavPage("pages/1_Connect.py", "Connect", "🔌"),
    NavPage("pages/2_Organizations.py", "Organizations", "🏢"),
    NavPage("pages/3_Integrations.py", "Integrations", "🔗"),
    NavPage("pages/4_Locations.py", "Locations", "📍"),
    NavPage("pages/5_Bind.py", "Bind", "🔗"),
    NavPage("pages/6_Org_status.py", "Org status", "📋"),
    NavPage("pages/7_Portfolio.py", "Portfolio", "🗂️"),
    NavPage("pages/8_Audit_log.py", "Audit log", "📜", Action.VIEW_AUDIT),
    NavPage("pages/9_History.py", "History", "📈"),
)


def visible_pages(role: Role | None, pages: Sequence[NavPage] = PAGES) -> list[NavPage]:
    """The pages this role may open, in menu order."""
    return [p for p in pages if can(role, p.requires)]


def org_query() -> dict[str, str] | None:
    """The query parameters that keep this session's current org on the next page (None: no org yet)."""
    org_id = st.session_state.get(CURRENT_ORG_KEY)
    return {ORG_PARAM: org_id} if org_id else None


def link(
    page: str, label: str, icon: str | None = None, query: Mapping[str, str] | None = None, **kwargs: Any
) -> None:
    """st.page_link to a console page, carrying the current org (and `query`) in its address."""
    params = {**(org_query() or {}), **(query or {})}
    st.page_link(page, label=label, icon=icon, query_params=params or None, **kwargs)


def render_menu(role: Role | None) -> None:
    """The page menu at the top of the sidebar: the pages this person's role may open."""
    with st.container(key=MENU_KEY):
        for page in visible_pages(role):
            link(page.path, page.label, page.icon)
