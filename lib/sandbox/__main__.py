"""CLI: `python -m lib.sandbox --port N [--host H] [--data-dir DIR]` serves, `... reset` wipes state."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib.settings import SettingsError

from .db import Database
from .settings import SandboxSettings


def main(argv: list[str] | None = None) -> int:
    """Serve the sandbox, or reset its state."""
    parser = argparse.ArgumentParser(
        prog="python -m lib.sandbox", description="The local Stream Partner API sandbox."
    )
    parser.add_argument("command", nargs="?", choices=["serve", "reset"], default="serve")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--data-dir", type=Path, default=None, help="state directory (default data/sandbox)")
    args = parser.parse_args(argv)
    try:
        settings = SandboxSettings.from_env(data_dir=args.data_dir)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "reset":
        # Rows are deleted, not files: a sandbox running on this file (the console's) sees the reset at
        # once, where unlinking would leave it writing to a deleted file that a restart then loses.
        if settings.db_path.exists():
            db = Database(settings.db_path)
            db.wipe()
            db.close()
        print(f"Sandbox state in {settings.data_dir} reset.")
        return 0
    import uvicorn

    from .app import create_app

    print(f"Stream sandbox on http://{args.host}:{args.port} (state in {settings.data_dir})", file=sys.stderr)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
