"""The client's typed errors, shaped like openai-python's: each carries the server's message, the endpoint,
the API's request id when it sent one, and a sentence a person can act on (`user_message`).

    StreamError                      any failure talking to the Partner API
    ├── APIStatusError               the API answered with an error status (status_code is set)
    │   ├── ValidationError          400, 422
    │   ├── AuthenticationError      401
    │   │   └── PermissionDeniedError    403
    │   ├── NotFoundError            404
    │   ├── ConflictError            409
    │   ├── RateLimitError           429
    │   └── ServerError              5xx
    ├── APIConnectionError           no answer: the connection failed or broke (status_code is None)
    │   └── APITimeoutError          no complete answer in time
    └── UnexpectedResponseError      an answer the console cannot read (bad JSON, unknown shape, redirect)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from lib.stream.json_text import decode_json
from lib.stream.redaction import redact
from lib.stream.retry import retry_after_seconds

_MAX_MESSAGE_CHARS = 300
# Where APIs put the id of a request, for their support and logs; the first one present is kept.
REQUEST_ID_HEADERS = ("x-request-id", "request-id")
_MAX_REQUEST_ID_CHARS = 128


@dataclass(frozen=True)
class FieldError:
    """One field-level complaint from the server, e.g. field="user.email", message="is not a valid email"."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class Operation:
    """What the console was doing, in words: used to phrase error messages."""

    action: str  # "creating the organization"
    subject: str  # "the organization"
    # False when a blind retry could apply the change twice: then it is retried only when it provably
    # never left this machine, or was refused with 429 (lib.stream.retry reads this flag from the request).
    repeatable: bool = True
    verify: str = "check the current state"  # what to look at before repeating a non-repeatable request


UNKNOWN_OPERATION = Operation(action="calling the API", subject="the request")


class StreamError(Exception):
    """Any failure talking to the Partner API."""

    default_status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        endpoint: str | None = None,
        details: list[FieldError] | tuple[FieldError, ...] = (),
        operation: Operation = UNKNOWN_OPERATION,
        maybe_applied: bool = False,
        request_id: str | None = None,
    ) -> None:
        self.message = redact(message)
        self.status_code = status_code if status_code is not None else self.default_status
        self.endpoint = endpoint
        self.request_id = request_id  # the API's id of the failed request, for its support; None if not sent
        self.details = [FieldError(detail.field, redact(detail.message)) for detail in details]
        self.operation = operation
        # True when a non-repeatable request failed after it may have reached the server (a 5xx, a read
        # timeout): the change may have happened, so the person should look before repeating it.
        self.maybe_applied = maybe_applied
        super().__init__(self._summary())

    def _summary(self) -> str:
        where = f"{self.endpoint}: " if self.endpoint else ""
        status = f"HTTP {self.status_code} " if self.status_code is not None else ""
        request = f" (request id {self.request_id})" if self.request_id else ""
        return f"{where}{status}{self.message}{request}".strip()

    @property
    def user_message(self) -> str:
        """A sentence saying what happened and what to do about it."""
        return redact(self._user_message())

    def _user_message(self) -> str:
        return (
            f"The API answered HTTP {self.status_code} while {self.operation.action}:"
            f" {_sentence(self.message)}"
            f" Check the request and try again.{self._maybe_applied_hint()}"
        )

    def _maybe_applied_hint(self) -> str:
        if not self.maybe_applied:
            return ""
        return f" The request may still have reached the API, so {self.operation.verify} before repeating it."

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class APIStatusError(StreamError):
    """The API answered with an error status; subclasses name the common ones."""

    default_status = 400

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code: int = self.status_code if self.status_code is not None else self.default_status


class AuthenticationError(APIStatusError):
    """401: the credentials or the token were refused."""

    default_status = 401

    def _user_message(self) -> str:
        return (
            f"The API did not accept the console's credentials while {self.operation.action}"
            f" ({_clause(self.message)}). Check STREAM_CLIENT_ID and STREAM_CLIENT_SECRET, then test the"
            " connection again."
        )


class PermissionDeniedError(AuthenticationError):
    """403: the token is valid but lacks a scope (an AuthenticationError, so both are caught as one)."""

    default_status = 403

    def _user_message(self) -> str:
        return (
            f"The API refused access while {self.operation.action} ({_clause(self.message)}):"
            " the credentials may lack the 'onboarding' scope. Ask Stream to grant it, then test the"
            " connection again."
        )


class NotFoundError(APIStatusError):
    """404: an unknown org, onboarding or location id."""

    default_status = 404

    def _user_message(self) -> str:
        return (
            f"The API could not find what the console asked for while {self.operation.action}"
            f" ({_clause(self.message)}). Check that the id is right and belongs to this API environment."
        )


class ConflictError(APIStatusError):
    """409: the request clashes with the current state (already bound, already active, ...)."""

    default_status = 409

    def _user_message(self) -> str:
        return (
            f"The API reported a conflict while {self.operation.action}: {_sentence(self.message)}"
            " Reload the current state before trying again."
        )


class ValidationError(APIStatusError):
    """400 or 422: the server rejected the input; `details` lists the fields it complained about."""

    default_status = 400

    def _user_message(self) -> str:
        if self.details:
            problems = "; ".join(str(detail) for detail in self.details)
            fix = "Correct the field" if len(self.details) == 1 else "Correct the fields"
            return f"The API rejected {self.operation.subject}: {_sentence(problems)} {fix} and try again."
        return (
            f"The API rejected {self.operation.subject}: {_sentence(self.message)} Correct it and try again."
        )


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the server's requested wait in seconds, when it gave one."""

    default_status = 429

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)

    def _user_message(self) -> str:
        wait = (
            f"Wait {_seconds(self.retry_after)} and try again."
            if self.retry_after
            else "Wait a minute and try again."
        )
        return f"The API is limiting how fast the console may call it (while {self.operation.action}). {wait}"


class ServerError(APIStatusError):
    """5xx: the API failed on its side."""

    default_status = 500

    def _user_message(self) -> str:
        return (
            f"The API failed while {self.operation.action}"
            f" (HTTP {self.status_code}: {_clause(self.message)})."
            f" This is usually temporary: try again in a minute.{self._maybe_applied_hint()}"
        )


class APIConnectionError(StreamError):
    """No usable HTTP answer: the connection failed or broke. There is no status code and no request id."""

    def _user_message(self) -> str:
        return (
            f"The console could not reach the API while {self.operation.action} ({_clause(self.message)})."
            f" Check the network connection and STREAM_API_URL, then try again.{self._maybe_applied_hint()}"
        )


class APITimeoutError(APIConnectionError):
    """No complete answer in time (a timeout of the connection, the read or the call's deadline)."""

    def _user_message(self) -> str:
        return (
            f"The API did not answer in time while {self.operation.action}. Check the network and try"
            f" again.{self._maybe_applied_hint()}"
        )


class UnexpectedResponseError(StreamError):
    """The API answered, but with malformed JSON or a shape the console does not understand."""

    def _user_message(self) -> str:
        return (
            f"The API sent an answer the console could not read while {self.operation.action}"
            f" ({_clause(self.message)}). Try again; if it keeps happening, the API may have changed."
            f"{self._maybe_applied_hint()}"
        )


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
}


def error_from_response(
    response: httpx.Response, *, endpoint: str, operation: Operation = UNKNOWN_OPERATION
) -> StreamError:
    """Build the typed error for a non-2xx answer (the response body must already be read)."""
    status = response.status_code
    message, details = parse_error_body(response)
    kwargs: dict[str, Any] = {
        "status_code": status,
        "endpoint": endpoint,
        "details": details,
        "operation": operation,
        "request_id": request_id(response),
    }
    if 300 <= status < 400:
        return UnexpectedResponseError(f"unexpected redirect (HTTP {status})", **kwargs)
    if status == 429:
        return RateLimitError(message, retry_after=parse_retry_after(response), **kwargs)
    # A 5xx or a 408 may come after the server acted on the request.
    maybe_applied = (status >= 500 or status == 408) and not operation.repeatable
    kind = _STATUS_ERRORS.get(status, ServerError if status >= 500 else APIStatusError)
    return kind(message, maybe_applied=maybe_applied, **kwargs)


def request_id(response: httpx.Response) -> str | None:
    """The API's id of this request (x-request-id or request-id), trimmed to printable text; None if none."""
    for header in REQUEST_ID_HEADERS:
        value = response.headers.get(header, "")
        text = "".join(c for c in value if c.isprintable()).strip()[:_MAX_REQUEST_ID_CHARS]
        if text:
            return text
    return None


def parse_error_body(response: httpx.Response) -> tuple[str, list[FieldError]]:
    """Pull the server's message and field details out of an error body, whatever its common shape."""
    fallback = response.reason_phrase or f"HTTP {response.status_code}"
    try:
        body = decode_json(response.content)  # as answers are read: no lone surrogate reaches a sentence
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError):
        text = response.text.strip()
        # An HTML error page says nothing useful in a sentence; short plain text does.
        if text and not text.lstrip().startswith("<") and len(text) <= _MAX_MESSAGE_CHARS:
            return text, []
        return fallback, []
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]  # {"error": {"message": ..., "details": [...]}}
    if not isinstance(body, dict):
        return fallback, []

    message: str | None = None
    for key in ("message", "error_description", "detail", "error", "title"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            message = value.strip()
            break

    details: list[FieldError] = []
    for key in ("details", "errors", "fields", "detail"):
        value = body.get(key)
        if isinstance(value, list):
            details = [detail for item in value if (detail := _field_error(item)) is not None]
            if details:
                break
        elif isinstance(value, dict) and key != "detail":  # {"errors": {"user.email": "is invalid"}}
            details = [FieldError(str(field), _text(msg)) for field, msg in value.items()]
            break

    if message is None:
        message = "; ".join(str(detail) for detail in details) if details else fallback
    return _truncate(message), details


def _field_error(item: Any) -> FieldError | None:
    if isinstance(item, str):
        return FieldError("", item)
    if not isinstance(item, dict):
        return None
    field: Any = item.get("field", item.get("loc", item.get("path", item.get("name", ""))))
    if isinstance(field, list | tuple):
        # FastAPI locations look like ["body", "user", "email"]: the first part is where, not what.
        parts = [str(part) for part in field]
        if parts and parts[0] in ("body", "query", "path", "header"):
            parts = parts[1:]
        field = ".".join(parts)
    message = item.get("message", item.get("msg", item.get("error", item.get("detail", ""))))
    return FieldError(str(field), _truncate(_text(message)))


def parse_retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (Retry-After as seconds or HTTP date, or retry-after-ms)."""
    return retry_after_seconds(response.headers)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    return str(value).strip()


def _truncate(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 1] + "…"


def _clause(text: str) -> str:
    """The message as a clause inside a sentence: no trailing full stop."""
    return text.strip().rstrip(".") or "no details given"


def _sentence(text: str) -> str:
    """The message as a complete sentence ending in a full stop."""
    text = text.strip()
    if not text:
        return "No details were given."
    return text if text[-1] in ".!?" else text + "."


def _seconds(value: float | None) -> str:
    if value is None:
        return "a moment"
    whole = max(1, round(value))
    return f"{whole} second" if whole == 1 else f"{whole} seconds"


def error_sentence(exc: BaseException) -> str:
    """A sentence that says what happened and what to do, for any error an API call can raise."""
    if isinstance(exc, StreamError):
        return exc.user_message
    sentence = getattr(
        exc, "user_message", None
    )  # a refusal from below the screens (lib.store.WrongOrgError)
    if isinstance(sentence, str):
        return sentence
    return (
        f"Something unexpected went wrong ({type(exc).__name__}). Try again; if it keeps happening, check the"
        " logs."
    )
