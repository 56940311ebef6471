"""JSON text from the API as values no page, file or record refuses to encode."""

from __future__ import annotations

import json
import re
from typing import Any

# A \uD800-\uDFFF escape in JSON text may decode to a lone surrogate, which no page or file can encode.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_json(content: bytes) -> Any:
    """JSON text as values, lone surrogates replaced by U+FFFD; RecursionError when nested too deeply."""
    data = json.loads(content)
    return _without_surrogates(data) if _SURROGATE_ESCAPE.search(content) else data


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value
