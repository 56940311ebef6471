"""The bind step without streamlit: load POS and DSP tables, propose, edit, check, bind in batches, audit."""

from lib.binding.check import Check, Duplicate, PlannedPair, check_table
from lib.binding.detail import compare_fields, component_scores
from lib.binding.execute import (
    DEFAULT_BATCH_SIZE,
    AuditPayload,
    BindRun,
    PairOutcome,
    audit_payload,
    bind_pairs,
    plan_batches,
)
from lib.binding.frames import (
    BindInputs,
    BoundStore,
    bound_stores,
    format_address,
    load_inputs,
    locations_frame,
)
from lib.binding.propose import PairScore, PairScorer, matching_runs, run_matching
from lib.binding.table import (
    BANDS,
    BOUND,
    EDITOR_COLUMNS,
    NO_STORE,
    Edits,
    build_base,
    compose,
    filter_view,
    merge_editor_state,
    store_labels,
    summarize,
    top_choices,
)

__all__ = [
    "BANDS",
    "BOUND",
    "DEFAULT_BATCH_SIZE",
    "EDITOR_COLUMNS",
    "NO_STORE",
    "AuditPayload",
    "BindInputs",
    "BindRun",
    "BoundStore",
    "Check",
    "Duplicate",
    "Edits",
    "PairOutcome",
    "PairScore",
    "PairScorer",
    "PlannedPair",
    "audit_payload",
    "bind_pairs",
    "bound_stores",
    "build_base",
    "check_table",
    "compare_fields",
    "component_scores",
    "compose",
    "filter_view",
    "format_address",
    "load_inputs",
    "locations_frame",
    "matching_runs",
    "merge_editor_state",
    "plan_batches",
    "run_matching",
    "store_labels",
    "summarize",
    "top_choices",
]
