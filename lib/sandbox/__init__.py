"""The local Stream Partner API sandbox (FastAPI + SQLite); see README.md in this folder.

Entry points: lib.sandbox.app.create_app, lib.sandbox.embed.start_background, `python -m lib.sandbox`.
"""
