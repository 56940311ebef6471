"""The watcher: status history for every recorded org, a needs-attention queue and alerts (no Streamlit).

    python -m lib.watch run               # one pass, one summary line, exit code 0 / 1 / 3
    python -m lib.watch run --every 15m   # a pass every 15 minutes until stopped

From code: ``run_pass(records, client, watch_settings(read_secrets_file()))`` (lib.watch.run).
"""

from lib.watch.run import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, PassResult, run_pass
from lib.watch.settings import Rules, WatchSettings, Webhook, parse_every, watch_settings

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "PassResult",
    "Rules",
    "WatchSettings",
    "Webhook",
    "parse_every",
    "run_pass",
    "watch_settings",
]
