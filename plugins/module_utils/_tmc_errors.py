# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Exceptions of the Talend Cloud API client. Their texts never hold a token or a secret."""

from __future__ import annotations


class TalendError(Exception):
    """Base class of every error this collection raises on purpose."""


class TalendConfigError(TalendError, ValueError):
    """Bad input or configuration, found before any request was sent."""


class TalendApiError(TalendError):
    """The API answered with an error status, or could not be reached.

    :param status: HTTP status (int), or None when no answer came (connection error).
    :param operation: ``"METHOD /path"`` that failed (no query string, no host).
    :param message: ``message`` of the vendor's ``ErrorResponse``.
    :param detail: ``detail`` of the ``ErrorResponse``.
    :param request_id: ``requestId`` of the ``ErrorResponse``, to quote to Talend support.
    :param hint: what the user should do next.
    :param host: host that was called (helps spot a wrong region).
    """

    def __init__(self, status, operation, message=None, detail=None, request_id=None, hint=None, host=None):
        self.status = status
        self.operation = operation
        self.message = message
        self.detail = detail
        self.request_id = request_id
        self.hint = hint
        self.host = host
        super().__init__(self._text())

    def _text(self) -> str:
        head = "%s failed" % self.operation
        if self.status is not None:
            head += " with HTTP %s" % self.status
        if self.host:
            head += " (host %s)" % self.host
        parts = [head]
        if self.message:
            parts.append("message: %s" % self.message)
        if self.detail:
            parts.append("detail: %s" % self.detail)
        if self.request_id:
            parts.append("requestId: %s" % self.request_id)
        text = "; ".join(parts)
        if self.hint:
            text += ". " + self.hint
        return text

    def as_dict(self) -> dict:
        """The error as a result entry: ``{status, message, detail, request_id, error}``."""
        return {
            "status": self.status,
            "message": self.message,
            "detail": self.detail,
            "request_id": self.request_id,
            "error": str(self),
        }

    def with_hint(self, hint) -> "TalendApiError":
        """The same error with ``hint`` (what to do next) in place of its own."""
        return TalendApiError(self.status, self.operation, self.message, self.detail, self.request_id, hint=hint,
                              host=self.host)

    @classmethod
    def from_response(cls, response, operation, hint=None, host=None):
        """Build the error from a ``requests.Response`` carrying an ``ErrorResponse`` body (or none)."""
        message = detail = request_id = None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            message, detail, request_id = body.get("message"), body.get("detail"), body.get("requestId")
        elif response.text and len(response.text) < 300:
            message = response.text.strip() or None
        return cls(response.status_code, operation, message, detail, request_id, hint=hint, host=host)
