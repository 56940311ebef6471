"""Home: the current organization's onboarding as a checklist, with a link to the next step."""

import streamlit as st

from lib.ui.bind_prefetch import prefetch_if_next
from lib.ui.checklist import render_checklist
from lib.ui.context import page_setup
from lib.ui.guards import require_org
from lib.ui.home import forget_org_state, org_checklist
from lib.ui.nav import link
from lib.ui.text import md
from lib.ui.watch import render_needs_attention

console = page_setup("Home", "🧭")
st.title("Onboarding Console")
st.caption(
    "Take a merchant from nothing to ingested POS locations and connected delivery marketplaces: create the "
    "organization, connect its POS, ingest its locations, connect its DSPs and bind their stores."
)

render_needs_attention(console, key="home_attention")

if not console.records.list_orgs():
    st.info(
        "No organization yet. Start by creating the merchant's organization, or add an existing one by id.",
        icon="🏢",
    )
    link("pages/2_Organizations.py", label="Create an organization", icon="➡️")
    st.stop()

org_id = require_org(console, "the checklist is one organization's.")
caption, refresh = st.columns([5, 1], vertical_alignment="bottom")
caption.caption(f"org_id {md(org_id)} · change the current organization in the sidebar.")
if refresh.button("Refresh", key="home_refresh", icon=":material/refresh:", width="stretch"):
    forget_org_state()

checklist, problems = org_checklist(console, org_id)
for problem in problems:
    st.warning(md(problem), icon="⚠️")
render_checklist(checklist)
prefetch_if_next(console, org_id, checklist)  # binding is next: Bind's tables are read and matched meanwhile
