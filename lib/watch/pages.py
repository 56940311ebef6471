"""The console pages an alert points to, by a stable name (files may be renumbered, names stay)."""

from __future__ import annotations

from urllib.parse import quote

# name -> (page file for st.page_link, URL path Streamlit serves it on, label)
PAGES: dict[str, tuple[str, str, str]] = {
    "integrations": ("pages/3_Integrations.py", "Integrations", "Integrations"),
    "locations": ("pages/4_Locations.py", "Locations", "Locations"),
    "bind": ("pages/5_Bind.py", "Bind", "Bind"),
    "org_status": ("pages/6_Org_status.py", "Org_status", "Org status"),
}


def page_url(public_url: str, page: str, org_id: str) -> str:
    """The address of the page that fixes an alert, with the org in the URL ('' without a public URL)."""
    if not public_url or page not in PAGES:
        return ""
    return f"{public_url.rstrip('/')}/{PAGES[page][1]}?org={quote(org_id, safe='')}"
