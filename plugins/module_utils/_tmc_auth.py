# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Bearer tokens for the Talend Cloud API: personal access tokens and service account tokens."""

from __future__ import annotations

import threading
import time

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import (
    TalendApiError,
    TalendConfigError,
)

TOKEN_PATH = "/security/oauth/token"
RENEW_MARGIN = 120
"""Seconds before expiry at which a service account token is replaced."""
DEFAULT_LIFETIME = 1800
"""Seconds a service account token lives when the answer gives no usable ``expires_in``."""

AUTH_HELP = (
    "Give either a personal access token or service account token (option 'token' or env TALEND_TOKEN), "
    "or a service account id and secret (options 'client_id' and 'client_secret', or env "
    "TALEND_CLIENT_ID and TALEND_CLIENT_SECRET)."
)


def check_bearer_token(token: str) -> str:
    """Return ``token`` stripped, or raise if it cannot be a bearer token.

    :raises TalendConfigError: empty, containing white space, or a whole JSON answer
        of the token endpoint instead of its ``access_token`` value.
    """
    token = (token or "").strip()
    if not token:
        raise TalendConfigError("The token is empty. " + AUTH_HELP)
    if token.startswith("{"):
        raise TalendConfigError(
            "The token looks like a whole JSON answer of the token endpoint. "
            "Pass only the value of its 'access_token' field."
        )
    if any(c.isspace() for c in token):
        raise TalendConfigError("The token contains white space; pass the bare token, without 'Bearer '.")
    return token


class PersonalAccessToken:
    """A fixed bearer token: a personal access token, or a service account token fetched elsewhere.

    It cannot be renewed: a 401 is final and means the token expired, was revoked, or belongs
    to another region.

    :param token: the bearer token (str).
    :raises TalendConfigError: see :func:`check_bearer_token`.
    """

    renewable = False

    def __init__(self, token: str) -> None:
        self._token = check_bearer_token(token)

    def bearer(self, send) -> str:
        """Return the token; ``send`` is unused (same signature as the service account)."""
        return self._token

    def invalidate(self, token: str) -> None:
        """Nothing to do: a fixed token cannot be renewed."""


class ServiceAccountToken:
    """Service account token from ``POST /security/oauth/token`` (operation ``getToken``), renewed on expiry.

    Thread-safe: concurrent workers share one token; after a 401 only the first worker
    asks for a new one.

    :param client_id: service account id (str).
    :param client_secret: service account secret (str); sent only as HTTP Basic auth.
    :param audience: API base URL the token is for, e.g. ``https://api.eu.cloud.talend.com``.
    :param clock: wall clock in seconds (tests pass a fake one).
    :raises TalendConfigError: if the id or the secret is empty.
    """

    renewable = True

    def __init__(self, client_id: str, client_secret: str, audience: str, clock=time.time) -> None:
        if not client_id or not client_secret:
            raise TalendConfigError("A service account needs both client_id and client_secret. " + AUTH_HELP)
        self.client_id = client_id
        self._secret = client_secret
        self.audience = audience
        self._clock = clock
        self._lock = threading.Lock()
        self._token = None
        self._expires_at = 0.0
        self.fetch_count = 0

    @property
    def expires_at(self) -> float:
        """Expiry of the current token, in epoch seconds (0 when none was fetched)."""
        return self._expires_at

    def bearer(self, send) -> str:
        """Return a token valid for at least ``RENEW_MARGIN`` seconds, fetching one if needed.

        :param send: ``send(method, path, json=..., auth=(id, secret), authenticated=False)``
            returning a ``requests.Response``; the client's own request function.
        :raises TalendApiError: the token endpoint refused the id and secret (401/403) or failed.
        """
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - RENEW_MARGIN:
                self._fetch(send)
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` after a 401, unless another worker already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None
                self._expires_at = 0.0

    def _fetch(self, send) -> None:
        response = send(
            "POST",
            TOKEN_PATH,
            json={"audience": self.audience, "grant_type": "client_credentials"},
            auth=(self.client_id, self._secret),
            authenticated=False,
        )
        self.fetch_count += 1
        if response.status_code in (401, 403):
            raise TalendApiError.from_response(
                response,
                "POST " + TOKEN_PATH,
                hint=(
                    "The service account id or secret was refused. Check client_id/client_secret "
                    "(TALEND_CLIENT_ID/TALEND_CLIENT_SECRET), and that the account belongs to the region "
                    "whose host was called."
                ),
            )
        if response.status_code != 200:
            raise TalendApiError.from_response(response, "POST " + TOKEN_PATH)
        try:
            body = response.json()
            token = check_bearer_token(body["access_token"])
        except (ValueError, KeyError, TypeError, TalendConfigError):
            raise TalendApiError(
                response.status_code, "POST " + TOKEN_PATH,
                message="The token endpoint answered without a usable access_token.",
            ) from None
        self._token = token
        self._expires_at = self._clock() + parse_expires_in(body.get("expires_in"))


def parse_expires_in(value) -> float:
    """Seconds a token lives, from ``expires_in`` given as a number or a numeric string.

    The vendor spec types it as a string, live answers may carry a number; anything
    unusable falls back to ``DEFAULT_LIFETIME`` (1800 s, the documented lifetime).
    """
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return float(DEFAULT_LIFETIME)
    return seconds if seconds > 0 else float(DEFAULT_LIFETIME)
