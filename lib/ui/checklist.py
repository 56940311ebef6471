"""The home page checklist as rows: a mark, the step, where it stands, a link to the page that does it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lib.onboarding.checklist import Checklist, Step, StepState
from lib.ui.nav import link
from lib.ui.text import md

REPO_ROOT = Path(__file__).resolve().parents[2]
# Material icons rather than emoji: they render the same in every browser, headless ones included.
MARKS = {
    StepState.DONE: ":green[:material/check_circle:]",
    StepState.PARTIAL: ":orange[:material/pending:]",
    StepState.TODO: ":gray[:material/radio_button_unchecked:]",
    StepState.BLOCKED: ":gray[:material/lock:]",
}
STATE_WORDS = {
    StepState.DONE: "done",
    StepState.PARTIAL: "in progress",
    StepState.TODO: "to do",
    StepState.BLOCKED: "waiting for an earlier step",
}


def page_exists(page: str) -> bool:
    """True when the page file is there (later steps' pages may not exist in every install)."""
    return (REPO_ROOT / page).is_file()


def step_link(step: Step, label: str | None = None, primary: bool = False) -> None:
    """A link to the step's page, or a plain caption when that page does not exist."""
    text = md(label or step.action)
    if page_exists(step.page):
        link(step.page, label=text, icon="➡️" if primary else None, query=dict(step.query))
    else:
        st.caption(text)


def next_link(step: Step) -> None:
    """A prominent "Next: …" link to the step's page (the end of a card or a page)."""
    step_link(step, label=f"Next: {step.action[:1].lower()}{step.action[1:]}", primary=True)


def render_checklist(checklist: Checklist) -> None:
    """Every step on one row, then the next step as a prominent link."""
    for step in checklist.steps:
        mark, body, link = st.columns([0.5, 7, 2.5], vertical_alignment="center")
        mark.markdown(f"{MARKS[step.state]}", help=STATE_WORDS[step.state])
        body.markdown(f"**{md(step.label)}** · {STATE_WORDS[step.state]}  \n{md(step.detail)}")
        if not step.done and step.state is not StepState.BLOCKED:
            with link:
                step_link(step)
    nxt = checklist.next_step
    st.divider()
    if nxt is None:
        st.success("Every step is done: this organization is onboarded.", icon="🎉")
    else:
        st.markdown(f"**Next step — {md(nxt.label)}:** {md(nxt.detail)}")
        step_link(nxt, label=nxt.action, primary=True)
