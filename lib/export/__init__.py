"""Location status tables for analysts: the same functions the Org status and Portfolio screens use.

From a notebook or script::

    from lib.connect import open_client, resolve_target
    from lib.export import portfolio_table, org_status_table, summarize, dsp_status_counts

    client = open_client(resolve_target())   # the embedded sandbox unless STREAM_API_URL is set
    result = portfolio_table(client, ["org_1", "org_2"])   # concurrent, at most 8 requests in flight
    result.table      # a row per location: org_id, org_name, location columns, a dsp_<source> column per DSP
    result.failures   # orgs whose fetch failed, each with its error sentence (never silently dropped)
    summarize(result.table)          # counts: locations, active, bound to every DSP / to none, approvals...
    dsp_status_counts(result.table)  # long table dsp, status, locations: ready for a bar chart

    from lib.export.charts import dsp_status_chart        # the screens' Altair chart of those counts
    dsp_status_chart(dsp_status_counts(result.table))

    table = org_status_table(client.org_locations("org_1"), org_id="org_1")   # one org, same columns

From a shell: ``python -m lib.export --org ORG_ID | --all --format csv|xlsx|parquet --out FILE``.
"""

from lib.export.tables import (
    DSP_PREFIX,
    LOCATION_COLUMNS,
    NOT_BOUND,
    ORG_COLUMNS,
    OrgFailure,
    OrgRef,
    OrgTable,
    Portfolio,
    StatusSummary,
    connected_dsps,
    connected_dsps_by_org,
    dsp_column,
    dsp_columns,
    dsp_detail_columns,
    dsp_labels,
    dsp_name,
    dsp_status_category,
    dsp_status_counts,
    dsp_status_options,
    dsp_statuses,
    fetch_concurrently,
    fetch_org_table,
    filter_table,
    location_status_counts,
    org_overview,
    org_status_table,
    org_table,
    portfolio_table,
    summarize,
)
from lib.export.writers import FORMATS, MIME_TYPES, check_format, export_filename, to_bytes, write_table

__all__ = [
    "DSP_PREFIX",
    "FORMATS",
    "LOCATION_COLUMNS",
    "MIME_TYPES",
    "NOT_BOUND",
    "ORG_COLUMNS",
    "OrgFailure",
    "OrgRef",
    "OrgTable",
    "Portfolio",
    "StatusSummary",
    "check_format",
    "connected_dsps",
    "connected_dsps_by_org",
    "dsp_column",
    "dsp_columns",
    "dsp_detail_columns",
    "dsp_labels",
    "dsp_name",
    "dsp_status_category",
    "dsp_status_counts",
    "dsp_status_options",
    "dsp_statuses",
    "export_filename",
    "fetch_concurrently",
    "fetch_org_table",
    "filter_table",
    "location_status_counts",
    "org_overview",
    "org_status_table",
    "org_table",
    "portfolio_table",
    "summarize",
    "to_bytes",
    "write_table",
]
