# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Bearer tokens for the Talend Cloud API: personal access tokens and service account tokens.

Also the one option adapter through which modules (``module.params``) and plugins
(``AnsiblePlugin.get_option``) hand their connection options to the same client code.
"""

from __future__ import annotations

import math
import os
import threading
import time
from urllib.parse import urlsplit

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import (
    TalendApiError,
    TalendConfigError,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_token_cache import (
    TokenCache,
    TokenCacheError,
)

TOKEN_PATH = "/security/oauth/token"
RENEW_MARGIN = 120
"""Largest number of seconds before expiry at which a service account token is replaced."""
RENEW_FRACTION = 0.1
"""Share of a token's lifetime kept as renewal margin when that is less than ``RENEW_MARGIN``."""
DEFAULT_LIFETIME = 1800
"""Seconds a service account token lives when the answer gives no usable ``expires_in``."""

AUTH_HELP = (
    "Give either a personal access token or service account token (option 'token' or env TALEND_TOKEN), "
    "or a service account id and secret (options 'client_id' and 'client_secret', or env "
    "TALEND_CLIENT_ID and TALEND_CLIENT_SECRET)."
)


def env_value(name: str):
    """The value of the environment variable ``name``, or None when it is unset or empty.

    AWX injects every field of a credential type, the ones left empty as ``""``: an empty ``TALEND_*``
    variable counts as not set (for a boolean, ``""`` must not read as false: that would turn TLS
    verification off; for a path, not as the current directory).

    :param name: e.g. ``TALEND_VALIDATE_CERTS``.
    """
    return os.environ.get(name) or None


def nonempty_env_fallback(*names):
    """``fallback`` of a module option: the first of the environment variables ``names`` that is set and
    not empty (see :func:`env_value`).

    :raises AnsibleFallbackNotFound: none is.
    """
    from ansible.module_utils.basic import AnsibleFallbackNotFound

    for name in names:
        value = env_value(name)
        if value is not None:
            return value
    raise AnsibleFallbackNotFound


class OptionAdapter:
    """Read-only view of connection options, the same for modules and plugins.

    Missing options read as None, so code written against it works with ``module.params``
    (which lacks plugin-only options such as ``token_cache``) and with a lookup's options.

    :param getter: ``getter(name)`` returning the value, raising ``KeyError`` for an unknown option.
    """

    def __init__(self, getter) -> None:
        self._getter = getter

    @classmethod
    def from_dict(cls, options: dict) -> "OptionAdapter":
        """Adapter over a mapping such as ``AnsibleModule.params``."""
        return cls(options.__getitem__)

    @classmethod
    def from_plugin(cls, plugin) -> "OptionAdapter":
        """Adapter over an ``AnsiblePlugin`` whose ``set_options()`` was called (uses ``get_option``).

        A value taken from an empty environment variable reads as None (see :func:`env_value`): ansible's
        configuration would read ``""`` as ``false`` for a boolean and as the current directory for a path.
        The origin is the one ``set_options()`` recorded (ansible-core 2.18 and later). ansible-core 2.16 and
        2.17 record none, and their ``get_option_and_origin()`` reads the configuration again without the
        options given directly (a lookup's keywords): there ``get_option()`` has the value, and an option whose
        value differs from the configuration's was given directly.
        """
        def getter(name):
            value, origin = plugin.get_option_and_origin(name)
            if not isinstance(getattr(plugin, "_origins", None), dict):  # ansible-core 2.16, 2.17
                given = plugin.get_option(name)
                if given != value:
                    value, origin = given, "direct"
            if isinstance(origin, str) and origin.startswith("env:") and env_value(origin[4:].strip()) is None:
                return None
            return value

        return cls(getter)

    @classmethod
    def wrap(cls, options) -> "OptionAdapter":
        """``options`` itself when it is an adapter, else an adapter over the mapping."""
        return options if isinstance(options, cls) else cls.from_dict(options)

    def get(self, name: str, default=None):
        """Value of option ``name``; ``default`` when it is unknown or None."""
        try:
            value = self._getter(name)
        except KeyError:
            return default
        return default if value is None else value

    def __getitem__(self, name: str):
        return self.get(name)


def renew_margin(lifetime: float) -> float:
    """Seconds before expiry at which a token of ``lifetime`` seconds is replaced.

    ``RENEW_MARGIN`` (120 s) for the usual 1800 s tokens; a tenth of the lifetime for
    shorter ones, so that a 60 s token is not replaced on every request.
    """
    return min(float(RENEW_MARGIN), max(lifetime, 0.0) * RENEW_FRACTION)


def check_bearer_token(token: str) -> str:
    """Return ``token`` stripped, or raise if it cannot be a bearer token. The value is never quoted.

    :raises TalendConfigError: empty, a whole JSON answer of the token endpoint instead of its
        ``access_token`` value, containing white space (e.g. ``Bearer `` kept in front), or
        holding characters a bearer token cannot have (outside printable ASCII).
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
    if not all(0x21 <= ord(c) <= 0x7E for c in token):
        raise TalendConfigError("The token contains characters that a bearer token cannot hold (only printable "
                                "ASCII); check that the whole token was copied and nothing else.")
    return token


def parse_expires_in(value) -> float:
    """Seconds a token lives, from ``expires_in`` given as a number or a numeric string.

    The vendor spec types it as a string, live answers may carry a number; anything
    unusable (missing, not numeric, a boolean, zero or less, not finite) falls back to
    ``DEFAULT_LIFETIME`` (1800 s, the documented lifetime).
    """
    if isinstance(value, bool):
        return float(DEFAULT_LIFETIME)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return float(DEFAULT_LIFETIME)
    return seconds if math.isfinite(seconds) and seconds > 0 else float(DEFAULT_LIFETIME)


def auth_from_options(options, base_url: str, warn=None):
    """The token source chosen by the options: ``token`` beats ``client_id``/``client_secret``.

    Sends nothing. Empty strings count as not given (AWX injects empty variables for empty fields).

    :param options: :class:`OptionAdapter` or mapping with ``token``, ``client_id``, ``client_secret``,
        and optionally ``token_cache`` (bool) and ``token_cache_dir`` (path) for a service account.
    :param base_url: API base URL; the service account token's audience.
    :param warn: ``warn(text)`` for cache problems (the cache is then skipped), or None.
    :returns: :class:`PersonalAccessToken` or :class:`ServiceAccountToken`.
    :raises TalendConfigError: neither way given, half a service account, or a malformed token.
    """
    options = OptionAdapter.wrap(options)
    if options.get("token"):
        return PersonalAccessToken(options.get("token"))
    client_id, client_secret = options.get("client_id"), options.get("client_secret")
    if not client_id and not client_secret:
        raise TalendConfigError("No Talend Cloud credentials were given. " + AUTH_HELP)
    cache = TokenCache(options.get("token_cache_dir")) if options.get("token_cache") else None
    return ServiceAccountToken(client_id, client_secret, audience=base_url, cache=cache, warn=warn)


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

    def __repr__(self) -> str:
        return "PersonalAccessToken(<hidden>)"

    def bearer(self, send) -> str:
        """Return the token; ``send`` is unused (same signature as the service account)."""
        return self._token

    def invalidate(self, token: str) -> None:
        """Nothing to do: a fixed token cannot be renewed."""


def _check_account_value(name: str, env: str, value) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        raise TalendConfigError(
            "A service account needs both client_id and client_secret; %s (env %s) is missing. %s"
            % (name, env, AUTH_HELP)
        )
    if not isinstance(value, str) or not all(0x20 <= ord(c) <= 0x7E for c in value):
        raise TalendConfigError("%s must be printable ASCII text; check the value of %s (env %s)." % (name, name, env))
    return value


class ServiceAccountToken:
    """Service account token from ``POST /security/oauth/token`` (operation ``getToken``), renewed on expiry.

    Thread-safe: concurrent workers share one token; after a 401 only the first worker
    asks for a new one. With a :class:`TokenCache`, a token stored by another process of the
    same user for the same account and host is reused until shortly before its expiry, and the
    cache's lock is held from reading the cache to storing a new token: processes started together
    fetch one token between them.

    :param client_id: service account id (str, printable ASCII without ``:``).
    :param client_secret: service account secret (str); sent only as HTTP Basic auth.
    :param audience: API base URL the token is for, e.g. ``https://api.eu.cloud.talend.com``.
    :param clock: wall clock in epoch seconds (tests pass a fake one).
    :param cache: :class:`TokenCache` or None.
    :param warn: ``warn(text)`` called when the cache cannot be used, or None.
    :raises TalendConfigError: the id or the secret is empty or malformed.
    """

    renewable = True

    def __init__(self, client_id: str, client_secret: str, audience: str, clock=time.time, cache=None,
                 warn=None) -> None:
        self.client_id = _check_account_value("client_id", "TALEND_CLIENT_ID", client_id)
        if ":" in self.client_id:
            raise TalendConfigError("client_id cannot contain ':'; check TALEND_CLIENT_ID / client_id.")
        self._secret = _check_account_value("client_secret", "TALEND_CLIENT_SECRET", client_secret)
        self.audience = audience
        self.host = urlsplit(audience).hostname
        self._clock = clock
        self._cache = cache
        self._warn = warn
        self._lock = threading.Lock()
        self._token = None
        self._expires_at = 0.0
        self._renew_at = 0.0
        self._refused = set()
        self.fetch_count = 0
        self.source = None
        """Where the current token came from: ``"endpoint"``, ``"cache"`` or None."""

    def __repr__(self) -> str:
        return "ServiceAccountToken(client_id=%r, audience=%r)" % (self.client_id, self.audience)

    @property
    def expires_at(self) -> float:
        """Expiry of the current token, in epoch seconds (0 when none was fetched)."""
        return self._expires_at

    def bearer(self, send) -> str:
        """Return a token that is not yet due for renewal, from memory, the cache, or the endpoint.

        :param send: ``send(method, path, json=..., auth=(id, secret), authenticated=False)``
            returning a ``requests.Response``; the client's own request function.
        :raises TalendApiError: the token endpoint refused the id and secret (401/403) or failed.
        """
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self._renew_at:
                # with a cache, other processes of this account wait on its lock from our read to our store
                lock = self._cache_call(self._cache.lock, self.audience, self.client_id) if self._cache else None
                try:
                    if not self._use_cached(now):
                        self._fetch(send)
                finally:
                    if lock is not None:
                        lock.release()
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` after a 401, unless another worker already replaced it; drop it from the cache."""
        with self._lock:
            self._refused.add(token)
            if self._token == token:
                self._token = None
                self._expires_at = self._renew_at = 0.0
            if self._cache is not None:
                self._cache_call(self._cache.discard, self.audience, self.client_id, token)

    def _set(self, token: str, issued_at: float, expires_at: float, source: str) -> None:
        self._token = token
        self._expires_at = expires_at
        self._renew_at = expires_at - renew_margin(expires_at - issued_at)
        self.source = source

    def _use_cached(self, now: float) -> bool:
        if self._cache is None:
            return False
        entry = self._cache_call(self._cache.load, self.audience, self.client_id)
        if not entry or entry["access_token"] in self._refused:
            return False
        renew_at = entry["expires_at"] - renew_margin(entry["expires_at"] - entry["issued_at"])
        if now >= renew_at:
            return False
        self._set(entry["access_token"], entry["issued_at"], entry["expires_at"], "cache")
        return True

    def _cache_call(self, method, *args):
        try:
            return method(*args)
        except TokenCacheError as exc:
            if self._warn is not None:
                self._warn("Token cache not used: %s" % exc)
            self._cache = None
            return None

    def _fetch(self, send) -> None:
        operation = "POST " + TOKEN_PATH
        response = send(
            "POST",
            TOKEN_PATH,
            json={"audience": self.audience, "grant_type": "client_credentials"},
            auth=(self.client_id, self._secret),
            authenticated=False,
        )
        self.fetch_count += 1
        if response.status_code == 401:
            raise TalendApiError.from_response(
                response, operation, host=self.host,
                hint=(
                    "The service account id or secret was refused. Check client_id/client_secret "
                    "(TALEND_CLIENT_ID/TALEND_CLIENT_SECRET); the account may also belong to another region "
                    "than the one of host %s: set region (TALEND_REGION) or api_url (TALEND_API_URL)." % self.host
                ),
            )
        if response.status_code == 403:
            raise TalendApiError.from_response(
                response, operation, host=self.host,
                hint="The service account is disabled or may not get tokens; ask a Talend Cloud administrator.",
            )
        if response.status_code != 200:
            raise TalendApiError.from_response(response, operation, host=self.host)
        try:
            body = response.json()
            token = check_bearer_token(body["access_token"])
        except (ValueError, KeyError, TypeError, TalendConfigError):
            raise TalendApiError(
                response.status_code, operation, host=self.host,
                message="The token endpoint answered without a usable access_token.",
            ) from None
        issued_at = self._clock()
        expires_at = issued_at + parse_expires_in(body.get("expires_in"))
        self._set(token, issued_at, expires_at, "endpoint")
        self._refused.discard(token)
        if self._cache is not None:
            self._cache_call(self._cache.store, self.audience, self.client_id, token, issued_at, expires_at)
