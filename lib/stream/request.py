"""One JSON call over httpx, every failure turned into a typed StreamError; shared by client and auth."""

from __future__ import annotations

import json
from typing import Any, NamedTuple, TypeVar

import httpx
import pydantic

from lib.stream.errors import (
    APIConnectionError,
    APITimeoutError,
    Operation,
    StreamError,
    UnexpectedResponseError,
    error_from_response,
    request_id,
)
from lib.stream.guard import DeadlineExceeded, ResponseTooLarge, call_deadline
from lib.stream.json_text import decode_json
from lib.stream.retry import NEVER_SENT_ERRORS, RETRY_EXTENSION

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


class JsonAnswer(NamedTuple):
    """A successful answer: its decoded body (None when empty), status, the endpoint that gave it and the
    API's id of the request."""

    data: Any
    status_code: int
    endpoint: str
    operation: Operation
    request_id: str | None = None

    def parse(self, model: type[ModelT], data: Any = ...) -> ModelT:
        """Validate the body (or the given part of it) as model."""
        return parse_model(
            model,
            self.data if data is ... else data,
            endpoint=self.endpoint,
            operation=self.operation,
            status_code=self.status_code,
            request_id=self.request_id,
        )

    def unexpected(self, message: str, *, maybe_applied: bool = False) -> UnexpectedResponseError:
        """The error for an answer whose content the console cannot use."""
        return UnexpectedResponseError(
            message,
            status_code=self.status_code,
            endpoint=self.endpoint,
            operation=self.operation,
            maybe_applied=maybe_applied,
            request_id=self.request_id,
        )


def send_json(
    http: httpx.Client,
    method: str,
    path: str,
    *,
    operation: Operation,
    json_body: Any = None,
    params: dict[str, str] | None = None,
    auth: httpx.Auth | None = None,
    deadline: float | None = None,
) -> JsonAnswer:
    """Send one request and return its decoded JSON answer; raise StreamError for anything else.

    The call (its retries and any token renewal included) ends within `deadline` seconds; whether it may be
    retried after it may have reached the server is the operation's `repeatable`.
    """
    request = http.build_request(
        method, path, json=json_body, params=params, extensions={RETRY_EXTENSION: operation.repeatable}
    )
    endpoint = f"{method} {request.url.path}"
    try:
        # auth=None means "no auth" to httpx (not "the client's default"): the token call itself goes without.
        with call_deadline(deadline):
            response = http.send(request, auth=auth)
    except StreamError:
        raise  # from the auth flow: obtaining a token failed, already typed
    except httpx.TimeoutException as exc:
        past_deadline = isinstance(exc, DeadlineExceeded)
        limit = f"{deadline:g} s" if deadline else "the call's deadline"
        raise APITimeoutError(
            f"no complete answer within {limit}" if past_deadline else f"timed out ({type(exc).__name__})",
            endpoint=endpoint,
            operation=operation,
            maybe_applied=not operation.repeatable if past_deadline else _maybe_sent(exc, operation),
        ) from exc
    except httpx.TransportError as exc:
        raise APIConnectionError(
            _describe_transport_error(exc),
            endpoint=endpoint,
            operation=operation,
            maybe_applied=_maybe_sent(exc, operation),
        ) from exc
    except httpx.DecodingError as exc:  # ResponseTooLarge is one: the body exceeded the cap
        raise UnexpectedResponseError(
            f"the answer is larger than the {_megabytes(exc)} the console accepts"
            if isinstance(exc, ResponseTooLarge)
            else f"the answer could not be decoded ({exc})",
            endpoint=endpoint,
            operation=operation,
            maybe_applied=not operation.repeatable,
        ) from exc
    except httpx.HTTPError as exc:  # e.g. an invalid URL: nothing was sent
        raise APIConnectionError(
            f"{type(exc).__name__}: {exc}", endpoint=endpoint, operation=operation
        ) from exc

    if not response.is_success:
        raise error_from_response(response, endpoint=endpoint, operation=operation)
    answer = JsonAnswer(None, response.status_code, endpoint, operation, request_id(response))
    if not response.content.strip():
        return answer
    try:
        return answer._replace(data=decode_json(response.content))
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise answer.unexpected(
            f"the body of HTTP {response.status_code} is not valid JSON"
            + (" (nested too deeply)" if isinstance(exc, RecursionError) else ""),
            maybe_applied=not operation.repeatable,
        ) from exc


def _megabytes(exc: ResponseTooLarge) -> str:
    return f"{exc.limit / 2**20:g} MB"


def parse_model(
    model: type[ModelT],
    data: Any,
    *,
    endpoint: str,
    operation: Operation,
    status_code: int | None = None,
    request_id: str | None = None,
) -> ModelT:
    """Validate data as model; a shape mismatch becomes UnexpectedResponseError (values never echoed)."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        # Only locations and messages: pydantic's own text includes the input, which may hold a token.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()[:5]
        )
        raise UnexpectedResponseError(
            f"unexpected {model.__name__} shape ({problems})",
            status_code=status_code,
            endpoint=endpoint,
            operation=operation,
            maybe_applied=not operation.repeatable,
            request_id=request_id,
        ) from None


def _maybe_sent(exc: httpx.TransportError, operation: Operation) -> bool:
    return not operation.repeatable and not isinstance(exc, NEVER_SENT_ERRORS)


def _describe_transport_error(exc: httpx.TransportError) -> str:
    reason = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {reason}" if reason else name
