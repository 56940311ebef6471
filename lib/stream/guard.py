"""Limits on every API call: a total deadline (retries and token calls included) and a cap on the body size.

httpx's timeouts bound each network operation, not a call: a server that sends one byte every 20 s never trips
a 30 s read timeout. And httpx inflates a compressed body without a limit. The deadline lives in a context
variable for the duration of one client call; the transport below the retries reads every body itself, clamps
each read's timeout to the time left, and inflates gzip or deflate into at most `max_body_bytes`.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import httpx

DEFAULT_DEADLINE = 30.0  # seconds a whole call may take, retries and a token renewal included
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024

_deadline: ContextVar[float | None] = ContextVar("lib.stream.deadline", default=None)
_CONFIGURED_TIMEOUTS = "lib.stream.configured_timeouts"
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class DeadlineExceeded(httpx.ReadTimeout):
    """The call's total deadline passed before a complete answer arrived."""


class ResponseTooLarge(httpx.DecodingError):
    """The answer's body (after decompression) is larger than the client accepts."""

    def __init__(self, limit: int, *, request: httpx.Request) -> None:
        self.limit = limit
        super().__init__(f"the body is larger than {limit:,} bytes", request=request)


@contextmanager
def call_deadline(seconds: float | None) -> Iterator[None]:
    """Give the calls made inside at most `seconds` in total; an enclosing, earlier deadline still wins."""
    if seconds is None:
        yield
        return
    ends = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(ends if outer is None else min(outer, ends))
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds left before the current call's deadline (None: no deadline is set)."""
    ends = _deadline.get()
    return None if ends is None else ends - time.monotonic()


class GuardTransport(httpx.BaseTransport):
    """Wraps a transport: applies the deadline to each network operation and reads the body within the cap.

    The answer handed up has its body already read and decoded (no Content-Encoding left for httpx to undo).
    """

    def __init__(self, inner: httpx.BaseTransport, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self._inner = inner
        self.max_body_bytes = max_body_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request and read its whole answer, within the deadline and the size cap."""
        try:
            self._clamp(request)
            response = self._inner.handle_request(request)
            try:
                body = self._read(request, response)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            left = time_left()
            if left is not None and left <= 0.05 and not isinstance(exc, DeadlineExceeded):
                raise DeadlineExceeded("the call's deadline passed", request=request) from exc
            raise
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROPPED_HEADERS]
        kept = {k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")}
        return httpx.Response(
            response.status_code, headers=headers, content=body, request=request, extensions=kept
        )

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()

    def _clamp(self, request: httpx.Request) -> None:
        """Limit the next network operation to the time left (httpcore reads the timeouts at each read)."""
        left = time_left()
        if left is None:
            return
        if left <= 0:
            raise DeadlineExceeded("the call's deadline passed", request=request)
        configured = request.extensions.setdefault(
            _CONFIGURED_TIMEOUTS, dict(request.extensions.get("timeout") or {})
        )
        timeouts: dict[str, Any] = request.extensions.setdefault("timeout", {})
        for name in ("connect", "read", "write", "pool"):
            value = configured.get(name)
            timeouts[name] = left if value is None else min(value, left)

    def _read(self, request: httpx.Request, response: httpx.Response) -> bytes:
        try:
            content = response.content  # an inner transport (a test's wiretap) may have read it already
        except httpx.ResponseNotRead:
            pass
        else:
            self._keep([], 0, content, request)
            return content
        decoder = _Decoder(response.headers.get("content-encoding", ""), request)
        chunks: list[bytes] = []
        size = 0
        raw = iter(cast(httpx.SyncByteStream, response.stream))  # this transport is sync-only
        while True:
            self._clamp(request)
            try:
                data = next(raw)
            except StopIteration:
                break
            size = self._keep(chunks, size, decoder.feed(data, self.max_body_bytes - size + 1), request)
        self._keep(chunks, size, decoder.flush(self.max_body_bytes - size + 1), request)
        return b"".join(chunks)

    def _keep(self, chunks: list[bytes], size: int, piece: bytes, request: httpx.Request) -> int:
        size += len(piece)
        if size > self.max_body_bytes:
            raise ResponseTooLarge(self.max_body_bytes, request=request)
        chunks.append(piece)
        return size


class _Decoder:
    """identity, gzip or deflate, inflating at most a given number of bytes per call (zlib's max_length)."""

    def __init__(self, header: str, request: httpx.Request) -> None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip().lower() not in ("", "identity")]
        self._request = request
        self._zlib: Any = None
        self._deflate = False
        if not codings:
            return
        if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
            raise httpx.DecodingError(f"unsupported content encoding {header!r}", request=request)
        self._deflate = codings[0] == "deflate"
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS if self._deflate else 16 + zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        if self._zlib is None:
            return data
        try:
            out = self._zlib.decompress(data, max(limit, 1))
        except zlib.error:
            if not (self._deflate and not self._started):
                raise httpx.DecodingError(
                    "the body could not be decompressed", request=self._request
                ) from None
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send it
            out = self._zlib.decompress(data, max(limit, 1))
        self._started = True
        return out

    def flush(self, limit: int) -> bytes:
        if self._zlib is None:
            return b""
        if self._zlib.unconsumed_tail:
            return self._zlib.decompress(self._zlib.unconsumed_tail, max(limit, 1))
        return self._zlib.flush()
