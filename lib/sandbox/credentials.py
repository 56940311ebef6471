"""Public sandbox credentials: documented in the README, valid only against the local sandbox."""

SANDBOX_CLIENT_ID = "sandbox-console"
SANDBOX_CLIENT_SECRET = "sandbox-secret"
