"""The sentence for a manual integration code the API refused: one sentence, saying what a code looks like."""

from __future__ import annotations

import re

from lib.stream.errors import StreamError, ValidationError

# "… codes look like SANDBOX-<merchant code>, e.g. SANDBOX-rosas-cantina (…)." in the API's own message.
_LOOKS_LIKE = re.compile(r"\blooks? like\s+(.+?)(?:\s+\(|(?<!e\.g)\.\s+(?=[A-Z])|\.?$)")


def code_example(api_message: str) -> str | None:
    """What a valid code looks like, when the API's message says so."""
    found = _LOOKS_LIKE.search(api_message)
    return found.group(1).strip() if found else None


def code_rejected_message(exc: StreamError, label: str) -> str:
    """One sentence for a refused manual code; errors other than a refusal keep their own sentence."""
    if not isinstance(exc, ValidationError):
        return exc.user_message
    example = code_example(exc.message)
    start = f"The API did not accept this {label} integration code"
    if example:
        return f"{start}: {label} codes look like {example}, so check yours and submit it again."
    return f"{start}; check the code the merchant got from {label} and submit it again."
