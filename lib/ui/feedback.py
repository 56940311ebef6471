"""How API calls look in a page: a spinner while they run, a sentence when they fail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from lib.stream.errors import StreamError, error_sentence
from lib.ui.text import md

__all__ = ["attempt", "error_sentence", "show_error"]

T = TypeVar("T")
log = logging.getLogger(__name__)


def show_error(exc: Exception) -> None:
    """Show an API error in the page as a sentence, never a traceback."""
    st.error(md(error_sentence(exc)), icon="⚠️")


def attempt(label: str, fn: Callable[[], T]) -> T | None:
    """Run one API call under a spinner; on failure show the sentence and return None."""
    with st.spinner(label):
        try:
            return fn()
        except StreamError as exc:
            log.info("API call failed: %s", exc.endpoint if hasattr(exc, "endpoint") else type(exc).__name__)
            show_error(exc)
            return None
