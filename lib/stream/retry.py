"""The retry policy, in one place, and the httpx transport that applies it to every request (token calls too).

Modelled on openai-python: 2 retries, delay min(0.5 x 2^n, 8 s) less up to 25 % jitter, Retry-After honoured
up to a cap and no retry when the server asks for longer, a bound on the total time spent. Connection errors,
timeouts, 408, 429 and 5xx are retried, but a request that would change state if repeated (creating an org or
an integration, exchanging a one-time code) is retried only when it provably never left this machine (the
connection could not be made) or when the server refused it with 429.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from lib.stream.guard import time_left
from lib.stream.redaction import logger

# Request extension carrying the request's Operation.repeatable (True, False); httpx passes extensions
# through to the transport. A request without it is repeatable when it is a read.
RETRY_EXTENSION = "lib.stream.retry"

RETRYABLE_STATUSES = frozenset({408, 429, *range(500, 600)})

# The request cannot have reached the server: no connection was made (or none was free in the pool).
NEVER_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# Failures worth another try; others (UnsupportedProtocol, ProxyError, LocalProtocolError) will not improve.
RETRYABLE_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.NetworkError,
    httpx.TimeoutException,
    httpx.RemoteProtocolError,
)


def repeatable(request: httpx.Request) -> bool:
    """Whether the request may be sent again after the server may have acted on it (the operation says;
    a request nobody labelled is repeatable when it is a read). A non-repeatable one (a create, a code
    exchange) is retried only when it never left this machine, or was refused with 429."""
    flag = request.extensions.get(RETRY_EXTENSION)
    if isinstance(flag, bool):
        return flag
    return request.method.upper() in ("GET", "HEAD", "OPTIONS")


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The wait the server asked for, from retry-after-ms or Retry-After (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry and how long to wait; sleep, clock and random are injectable so tests need not wait."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 20.0  # a longer Retry-After is not waited for: the error goes to the caller
    total_budget: float = 60.0  # no retry starts if it would end later than this after the first attempt
    jitter: float = 0.25
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, retries_done: int) -> float:
        """Exponential delay before retry number retries_done + 1, less random jitter."""
        delay = min(self.initial_delay * 2.0**retries_done, self.max_delay)
        return delay * (1.0 - self.jitter * self.random())

    def next_delay(
        self,
        *,
        retries_done: int,
        elapsed: float,
        repeatable: bool,
        response: httpx.Response | None = None,
        error: Exception | None = None,
    ) -> float | None:
        """Seconds to wait before retrying, or None when the outcome must go back to the caller."""
        if retries_done >= self.max_retries:
            return None
        if error is not None:
            if not isinstance(error, RETRYABLE_ERRORS):
                return None
            if not repeatable and not isinstance(error, NEVER_SENT_ERRORS):
                return None
            delay = self.backoff(retries_done)
        elif response is not None:
            status = response.status_code
            if status not in RETRYABLE_STATUSES:
                return None
            # A 429 means the server refused the request without acting on it; any other status might
            # have come after the change was made.
            if not repeatable and status != 429:
                return None
            asked = retry_after_seconds(response.headers)
            if asked is not None and asked > self.max_retry_after:
                return None
            delay = asked if asked else self.backoff(retries_done)
        else:
            return None
        if elapsed + delay > self.total_budget:
            return None
        left = time_left()
        if left is not None and delay >= left:
            return None  # the retry could not finish before the call's deadline
        return delay


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport: applies a RetryPolicy and logs one line per attempt (never headers or bodies)."""

    def __init__(self, inner: httpx.BaseTransport, policy: RetryPolicy) -> None:
        self._inner = inner
        self.policy = policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request, retrying as the policy allows; the last response or error goes to the caller."""
        may_repeat = repeatable(request)
        target = f"{request.method} {_path(request)}"
        policy = self.policy
        started = policy.clock()
        retries = 0
        while True:
            attempt_started = policy.clock()
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as exc:
                now = policy.clock()
                logger.info(
                    "%s -> %s (attempt %d, %.3fs)",
                    target,
                    type(exc).__name__,
                    retries + 1,
                    now - attempt_started,
                )
                delay = policy.next_delay(
                    retries_done=retries, elapsed=now - started, repeatable=may_repeat, error=exc
                )
                if delay is None:
                    raise
                outcome = type(exc).__name__
            else:
                now = policy.clock()
                status = response.status_code
                level = 10 if status < 400 else 20  # DEBUG for success, INFO for error answers
                logger.log(
                    level, "%s -> %d (attempt %d, %.3fs)", target, status, retries + 1, now - attempt_started
                )
                delay = policy.next_delay(
                    retries_done=retries, elapsed=now - started, repeatable=may_repeat, response=response
                )
                if delay is None:
                    return response
                response.read()
                response.close()
                outcome = f"HTTP {status}"
            logger.info(
                "%s: retrying after %s in %.2fs (retry %d of %d)",
                target,
                outcome,
                delay,
                retries + 1,
                policy.max_retries,
            )
            policy.sleep(delay)
            retries += 1

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


def _path(request: httpx.Request) -> str:
    query = request.url.query.decode("ascii", "replace")
    return request.url.path + (f"?{query}" if query else "")
