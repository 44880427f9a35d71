"""Errors answered as the vendor's ``ErrorResponse`` ``{status, message, detail, requestId}``."""

from __future__ import annotations

import json
import uuid

from flask import Response

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """Raised by a route to answer an ``ErrorResponse``.

    :param status: HTTP status code (int).
    :param detail: developer-facing text (``detail``).
    :param message: user-facing text (``message``); defaults to the reason phrase.
    :param headers: extra response headers (e.g. ``{"Retry-After": "1"}``).
    """

    def __init__(self, status: int, detail: str = "", message: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or message or str(status))
        self.status = int(status)
        self.detail = detail
        self.message = message or REASONS.get(self.status, "Error")
        self.headers = headers or {}


def error_body(status: int, message: str | None = None, detail: str = "") -> dict:
    """Build an ``ErrorResponse`` dict with a fresh uuid4 ``requestId``."""
    return {
        "status": int(status),
        "message": message or REASONS.get(int(status), "Error"),
        "detail": detail,
        "requestId": str(uuid.uuid4()),
    }


def error_response(status: int, message: str | None = None, detail: str = "",
                   headers: dict[str, str] | None = None) -> Response:
    """A JSON ``ErrorResponse`` Flask response."""
    resp = Response(json.dumps(error_body(status, message, detail), separators=(",", ":")), status=status,
                    mimetype="application/json")
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def api_error_response(err: ApiError) -> Response:
    """Render an :class:`ApiError` as a JSON ``ErrorResponse``."""
    return error_response(err.status, err.message, err.detail, err.headers)
