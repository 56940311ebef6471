"""Once per console process: import the heavy screens' modules in the background, calm the garbage collector.

A person's first Bind open paid ~0.5 s importing matching (scipy) and pandas' Styler (no screen uses the
Styler since its small tables became HTML), and up to ~0.6 s in full garbage collections: Python walks every
long-lived object (all of Streamlit, pandas, the cached locations) each time 25% more survive, and reading and
matching 5,000 locations makes that happen a few times.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading

import streamlit as st

# What the first Bind open would otherwise import on the person's time (lib.binding pulls in scipy).
HEAVY_MODULES = ("lib.ui.bind_state", "lib.ui.bind_view")
# Young collections every 10,000 new container objects instead of 700: a page run building thousands of
# rows made hundreds of them; garbage cycles are rare here (reference counting frees nearly everything).
GC_THRESHOLD = (10_000, 10, 10)


@st.cache_resource(show_spinner=False)
def start() -> threading.Thread:
    """Start the warm-up once per process (every page calls this; Streamlit's resource cache keeps the
    first call's thread)."""
    thread = threading.Thread(target=_warm_up, name="console-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    for name in HEAVY_MODULES:
        # A module that fails here fails again, shown, on the page that imports it.
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    gc.set_threshold(*GC_THRESHOLD)
    # Everything alive now (modules, classes, Streamlit's machinery) lives as long as the process: keep it
    # out of every later full collection.
    gc.collect()
    gc.freeze()
