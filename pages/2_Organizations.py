"""Organizations: create a merchant's org, add one by id, see every known org, choose the current one."""

import streamlit as st

from lib.access import Action
from lib.onboarding import actions
from lib.onboarding.forms import (
    ORG_FIELD_LABELS,
    OrgForm,
    api_field_problems,
    create_org_error,
    validate_org_form,
    validate_org_id,
)
from lib.onboarding.lost import Settled, settle_create_org
from lib.onboarding.org_table import org_frame, org_label
from lib.stream.errors import StreamError
from lib.ui.access import action_submit
from lib.ui.context import page_setup, set_current_org
from lib.ui.feedback import error_sentence
from lib.ui.flash import flash, show_flash
from lib.ui.tables import table_view
from lib.ui.text import md

FORM_KEYS = {name: f"org_form_{name}" for name in ORG_FIELD_LABELS}
PROBLEMS_KEY = "org_form_problems"  # field -> sentence, shown under each field until the next submit
FORM_ERROR_KEY = "org_form_error"  # the API's sentence, shown under the form until the next submit
RESET_KEY = "org_form_reset"
ADD_ID_KEY = "add_org_id"
ADD_ERROR_KEY = "add_org_error"
PICK_KEY = "organizations_pick"

console = page_setup("Organizations", "🏢")
st.title("Organizations")
st.caption(
    "The API has no call that lists organizations, so the console remembers the ones it created or that "
    "someone added by id. The current organization (also in the sidebar) is the one the other pages work on."
)
show_flash("organizations")

# A successful create clears the form on the next run (widget values cannot change once drawn).
if st.session_state.pop(RESET_KEY, False):
    for key in FORM_KEYS.values():
        st.session_state[key] = ""

# ----- create -----
st.subheader("Create an organization")
problems: dict[str, str] = st.session_state.get(PROBLEMS_KEY, {})
slots = {}
with st.form("create_org", clear_on_submit=False, border=True):
    left, right = st.columns(2)
    with left:
        st.text_input(ORG_FIELD_LABELS["name"], key=FORM_KEYS["name"], placeholder="Rosa's Cantina LLC")
        slots["name"] = st.empty()
        st.text_input(
            ORG_FIELD_LABELS["provider_id"],
            key=FORM_KEYS["provider_id"],
            placeholder="crm-10042",
            help="The id your company uses for this merchant; the API refuses a provider_id used twice.",
        )
        slots["provider_id"] = st.empty()
    with right:
        st.text_input(ORG_FIELD_LABELS["email"], key=FORM_KEYS["email"], placeholder="owner@example.com")
        slots["email"] = st.empty()
        first, last = st.columns(2)
        with first:
            st.text_input(ORG_FIELD_LABELS["first_name"], key=FORM_KEYS["first_name"])
            slots["first_name"] = st.empty()
        with last:
            st.text_input(ORG_FIELD_LABELS["last_name"], key=FORM_KEYS["last_name"])
            slots["last_name"] = st.empty()
    form_error = st.empty()
    submitted = action_submit(
        "Create organization", Action.CREATE_ORG, type="primary", key="create_org_submit"
    )

if submitted:
    form = OrgForm.of(**{name: st.session_state.get(key) for name, key in FORM_KEYS.items()})
    problems = validate_org_form(form)
    st.session_state.pop(FORM_ERROR_KEY, None)
    if not problems:
        settled: Settled | None = None
        try:
            with st.spinner("Creating the organization…"):
                org = actions.create_org(console.client, console.records, console.actor, form)
        except StreamError as exc:
            if exc.maybe_applied:  # the answer was lost: find out what happened before offering anything
                with st.spinner("The API's answer was lost: finding out whether the organization exists…"):
                    settled = settle_create_org(console.client, console.records, console.actor, form, exc)
            st.session_state[FORM_ERROR_KEY] = settled.message if settled else create_org_error(exc)
            problems.update(api_field_problems(exc))
        else:
            settled = Settled(f"Created {org.name} ({org.org_id}).", org=org)
        if settled is not None and settled.org is not None:
            set_current_org(settled.org.org_id)
            st.session_state[RESET_KEY] = True
            st.session_state[PROBLEMS_KEY] = {}
            st.session_state.pop(FORM_ERROR_KEY, None)
            flash(
                "organizations",
                "success",
                f"{settled.message} It is now the current organization.",
            )
            st.rerun()
    st.session_state[PROBLEMS_KEY] = problems

for name, message in problems.items():
    slots[name].error(md(message), icon="✏️")
if st.session_state.get(FORM_ERROR_KEY):
    form_error.error(md(st.session_state[FORM_ERROR_KEY]), icon="⚠️")

# ----- known orgs -----
st.subheader("Known organizations")
orgs = console.records.list_orgs()
if not orgs:
    st.info("No organization yet: create one above, or add one that already exists by its id below.")
else:
    frame = org_frame(orgs, console.records.list_onboardings())
    table_view(
        frame,
        key="orgs",
        filename="organizations.csv",
        placeholder="Search by name, id, email, status…",
        column_config={"since": st.column_config.DatetimeColumn("since", format="YYYY-MM-DD HH:mm")},
    )
    names = {o.org_id: org_label(o) for o in orgs}
    ids = [o.org_id for o in reversed(orgs)]  # newest first
    current = console.org_id
    pick, go = st.columns([4, 1], vertical_alignment="bottom")
    pick.selectbox(
        "Work on",
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda i: names.get(i, i),
        key=PICK_KEY,
    )
    go.button(
        "Make current",
        key="make_current",
        on_click=lambda: set_current_org(st.session_state[PICK_KEY]),
        width="stretch",
    )
    if console.org_id:
        st.caption(f"Current organization: **{md(names.get(console.org_id, console.org_id))}**")

# ----- add by id -----
st.subheader("Add an existing organization by id")
with st.form("add_org", clear_on_submit=False):
    st.text_input("org_id", key=ADD_ID_KEY, placeholder="The org_id the API gave when it was created")
    add_error = st.empty()
    add = action_submit("Add organization", Action.ADD_ORG, key="add_org_submit")
if add:
    typed = str(st.session_state.get(ADD_ID_KEY) or "")
    problem = validate_org_id(typed)
    st.session_state[ADD_ERROR_KEY] = problem
    if problem is None:
        try:
            with st.spinner("Looking the organization up at the API…"):
                org, count = actions.add_existing_org(console.client, console.records, console.actor, typed)
        except StreamError as exc:
            st.session_state[ADD_ERROR_KEY] = error_sentence(exc)
        else:
            set_current_org(org.org_id)
            flash(
                "organizations",
                "success",
                f"Added {org.org_id} ({count} locations at the API); it is now current.",
            )
            st.rerun()
if st.session_state.get(ADD_ERROR_KEY):
    add_error.error(md(st.session_state[ADD_ERROR_KEY]), icon="⚠️")
