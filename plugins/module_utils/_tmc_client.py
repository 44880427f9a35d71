# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""HTTP client of the Talend Cloud (TMC) API: base URL, auth, rate limit, retries, errors, paging."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
import os
import re
import threading
import time
from urllib.parse import urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the modules through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import (
    AUTH_HELP,
    OptionAdapter,
    auth_from_options,
    nonempty_env_fallback,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import (
    TalendApiError,
    TalendConfigError,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_ratelimit import (
    DEFAULT_MARGIN_SECONDS,
    DEFAULT_RATE_LIMIT,
    WINDOW_SECONDS,
    RateLimiter,
    backoff_delay,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_ratewindow import SharedRequestWindow, is_loopback_host
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_token_cache import default_cache_dir

API_VERSION = "2021-03"
REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)?")
RETRY_STATUSES = frozenset((429, 502, 503, 504))
PAGE_LIMIT = 100
"""Largest page the API serves (``limit`` 1..100)."""


def url_password(url):
    """The password of a ``user:password@`` part of ``url``, or None: a secret to keep out of every output."""
    try:
        return urlsplit("%s" % (url,)).password
    except ValueError:
        return None


def redacted_url(url) -> str:
    """``url`` with any ``user:password@`` part replaced by ``***@``, for messages (never print a password)."""
    text = "%s" % (url,)
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text.rsplit("@", maxsplit=1)[-1]
    authority, slash, path = rest.partition("/")
    return "%s://%s%s%s" % (scheme, "***@" + authority.rsplit("@", 1)[1] if "@" in authority else authority, slash, path)


def base_url_for(region: str | None = None, api_url: str | None = None) -> str:
    """Return the API base URL (no trailing slash) from ``api_url`` or ``region``.

    :param region: Talend region such as ``us``, ``eu``, ``us-west`` (``^[a-z]{2}(-[a-z]+)?$``).
    :param api_url: explicit base URL; ``https://`` required, ``http://`` only for loopback hosts.
    :raises TalendConfigError: unknown region form, bad scheme, non-loopback ``http://``,
        or a URL with credentials, query or fragment.
    """
    if api_url:
        parts = urlsplit(api_url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TalendConfigError("api_url must be an https:// URL such as https://api.eu.cloud.talend.com, got %r"
                                    % redacted_url(api_url))
        if parts.username or parts.password or parts.query or parts.fragment:
            raise TalendConfigError("api_url must not carry credentials, a query or a fragment; pass tokens with 'token'.")
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise TalendConfigError(
                "api_url %r uses http:// on a non-loopback host; use https:// (http:// is allowed only for "
                "127.0.0.1, localhost or ::1, e.g. the local emulator)." % redacted_url(api_url)
            )
        return api_url.strip().rstrip("/")
    region = (region or "us").strip()
    if not REGION_RE.fullmatch(region):
        raise TalendConfigError(
            "region %r is not a Talend region; use one of us, eu, ap, au, us-west (or another "
            "two-letter data centre code), or set api_url." % region
        )
    return "https://api.%s.cloud.talend.com" % region


class TalendClient:
    """One ``requests.Session`` to the Talend Cloud API, shared by all worker threads of a module run.

    Every request carries ``talend-version: 2021-03`` and a bearer token, waits for the
    client-side rate limiter, is retried on 429/502/503/504 and connection errors (``Retry-After``
    honoured, else exponential backoff with jitter), and on a 401 with a service account asks
    once for a new token and repeats the request. Each attempt, retries included, takes a slot
    of the limiter; a 429 holds the limiter so that every worker thread backs off, not only the
    one that got it. The connection pool keeps ``max_workers`` connections alive for reuse.

    :param base_url: API base URL, see :func:`base_url_for`.
    :param auth: a ``PersonalAccessToken`` or ``ServiceAccountToken``.
    :param validate_certs: verify TLS certificates (bool).
    :param ca_path: PEM bundle path, or None.
    :param timeout: seconds per request attempt (float).
    :param retries: attempts after the first one (int >= 0).
    :param rate_limit: requests per minute (int >= 1).
    :param max_workers: concurrent requests in bulk work (int >= 1); sizes the connection pool.
    :param sleep: sleep function in seconds (tests pass a fake one).
    :param window_dir: directory where this controller's processes count the requests they sent to
        ``base_url`` in the last minute (see ``_tmc_ratewindow``): requests then start as soon as
        that count allows. None, or a directory that cannot be used (the reason is in
        ``self.limiter.window_error``): requests are spaced evenly at ``rate_limit``.
    """

    def __init__(self, base_url, auth, validate_certs=True, ca_path=None, timeout=30.0, retries=5,
                 rate_limit=DEFAULT_RATE_LIMIT, max_workers=8, sleep=time.sleep, window_dir=None):
        if retries is None or retries < 0:
            raise TalendConfigError("retries must be 0 or more, got %r" % (retries,))
        if max_workers is None or max_workers < 1:
            raise TalendConfigError("max_workers must be 1 or more, got %r" % (max_workers,))
        if timeout is None or timeout <= 0:
            raise TalendConfigError("timeout must be a positive number of seconds, got %r" % (timeout,))
        self.base_url = base_url
        self.host = urlsplit(base_url).hostname
        self.auth = auth
        self.timeout = timeout
        self.retries = retries
        self.max_workers = max_workers
        self.limiter = _limiter(rate_limit, sleep, window_dir, base_url)
        self._sleep = sleep
        self.request_count = 0
        self._count_lock = threading.Lock()
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(max_workers, 1))
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self.session.headers.update({"talend-version": API_VERSION, "Accept": "application/json"})
        _read_environment_once(self.session, base_url)

    def send(self, method, path, params=None, json=None, auth=None, authenticated=True, accept=None):
        """Send one request with rate limiting and retries; return the final ``requests.Response``.

        Does not raise on HTTP error statuses (see :meth:`call`).

        :param method: HTTP method.
        :param path: path below the base URL, starting with ``/``.
        :param params: query parameters (dict).
        :param json: JSON body.
        :param auth: ``(user, password)`` for HTTP Basic auth (token endpoint only).
        :param authenticated: add the bearer token.
        :param accept: ``Accept`` header value overriding ``application/json``.
        :raises TalendApiError: the API could not be reached after every retry (status None).
        """
        url = self.base_url + path
        headers = {}
        if accept:
            headers["Accept"] = accept
        attempt = 0
        while True:
            if authenticated:
                token = self.auth.bearer(self.send)
                headers["Authorization"] = "Bearer " + token
            self.limiter.acquire()
            with self._count_lock:
                self.request_count += 1
            try:
                response = self.session.request(method, url, params=params, json=json, auth=auth,
                                                headers=headers, timeout=self.timeout)
            except requests.RequestException as exc:
                if attempt >= self.retries:
                    raise TalendApiError(
                        None, "%s %s" % (method, path), host=self.host,
                        message="no answer after %d attempts: %s" % (attempt + 1, type(exc).__name__),
                        hint="Check api_url/region, the network path and proxies, then run again.",
                    ) from None
                attempt += 1
                self._sleep(backoff_delay(attempt))
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                attempt += 1
                delay = backoff_delay(attempt, response.headers.get("Retry-After"))
                if response.status_code == 429:
                    self.limiter.hold(delay)  # the limit is per source IP: every worker waits, this retry too
                else:
                    self._sleep(delay)
                continue
            return response

    def call(self, method, path, params=None, json=None, ok=(200,), accept=None):
        """Send a request and return ``(status, body)``; raise on any status not in ``ok``.

        A 401 with a service account gets one new token and one repeat; a second 401 is final.

        :returns: tuple ``(status_code, parsed JSON body or None)``.
        :raises TalendApiError: error status, with the vendor ``ErrorResponse`` fields and a hint.
        """
        operation = "%s %s" % (method, path)
        response = self.send(method, path, params=params, json=json, accept=accept)
        if response.status_code == 401 and self.auth.renewable:
            self.auth.invalidate(response.request.headers.get("Authorization", "")[len("Bearer "):])
            response = self.send(method, path, params=params, json=json, accept=accept)
        if response.status_code not in ok:
            raise TalendApiError.from_response(response, operation, hint=self._hint(response.status_code),
                                               host=self.host)
        if not response.content or "json" not in response.headers.get("Content-Type", ""):
            return response.status_code, None
        return response.status_code, response.json()

    def _hint(self, status):
        if status == 401:
            if self.auth.renewable:
                return ("A new service account token was refused too: check client_id/client_secret, and that "
                        "the account belongs to the region of host %s (region/api_url)." % self.host)
            return ("The token was refused: it may have expired (service account tokens live 30 minutes), "
                    "been revoked, or belong to another region than host %s. " % self.host + AUTH_HELP)
        if status == 403:
            return "The account lacks a permission for this operation."
        if status == 429:
            return "The API rate limit was hit after every retry: lower rate_limit or max_workers."
        return None

    def get(self, path, params=None):
        """``GET`` returning the JSON body; raises :class:`TalendApiError` on a non-200 answer."""
        return self.call("GET", path, params=params)[1]

    def iter_pages(self, method, path, params=None, body=None, page_size=PAGE_LIMIT):
        """Yield every item of a paged list ``{items, limit, offset, total}``, in the API's order.

        Reads the first page; when it says the ``total`` and more pages remain, reads the others
        ``max_workers`` at a time (each through the rate limiter, like every request), so that a list of
        300 pages costs 300 requests but not 300 round trips one after the other; at most ``max_workers``
        pages are held at once. Without a ``total`` the pages are read one after the other until a short
        or empty one. A list that grew while it was read is read on to its new ``total``. ``GET`` sends
        ``limit``/``offset`` as query parameters, ``POST`` (search operations) in the JSON body.

        :param page_size: items per page (1..100). :raises TalendApiError: on any error answer.
        """
        items, total = self._page(method, path, params, body, page_size, 0)
        yield from items
        offset = len(items)
        while items and total is not None and offset < total and len(items) == page_size:
            offsets = list(range(offset, total, page_size))[:max(1, self.max_workers)]
            pages = map_concurrently(self, lambda at: self._page(method, path, params, body, page_size, at), offsets)
            for items, page_total in pages:
                yield from items
                offset += len(items)
                total = page_total if page_total is not None else total
                if len(items) < page_size:
                    break
        while items and total is None and len(items) == page_size:
            items, total = self._page(method, path, params, body, page_size, offset)
            yield from items
            offset += len(items)

    def _page(self, method, path, params, body, page_size, offset) -> tuple:
        """One page of a paged list at ``offset``: ``(items, total or None)``."""
        if method == "GET":
            page = self.call("GET", path, params=dict(params or {}, limit=page_size, offset=offset))[1] or {}
        else:
            page = self.call(method, path, json=dict(body or {}, limit=page_size, offset=offset))[1] or {}
        return page.get("items") or [], page.get("total")


def _read_environment_once(session, base_url) -> None:
    """What ``requests`` reads from the environment for every request, read once for the API host: the proxy
    (``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, ``NO_PROXY``) and, when certificates are verified against the
    system store, ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``. ``requests`` otherwise scans the whole environment and
    looks for a ``.netrc`` at each request (about 0.8 ms of the 3.7 ms a request costs the client here: at 60,000
    requests, most of a minute of CPU); the ``Authorization`` header is always set here, so ``.netrc`` never
    applied. Every request goes to ``base_url``'s host (the token endpoint included)."""
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    if session.verify is True:
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False


def _limiter(rate_limit, sleep, window_dir, base_url) -> RateLimiter:
    """A :class:`RateLimiter` counting in a window shared through ``window_dir``, or a paced one."""
    if not isinstance(rate_limit, int) or isinstance(rate_limit, bool) or rate_limit < 1:
        raise TalendConfigError("rate_limit must be a positive integer (requests per minute), got %r" % (rate_limit,))
    if window_dir is None:
        return RateLimiter(rate_limit, sleep=sleep)
    seconds = WINDOW_SECONDS + DEFAULT_MARGIN_SECONDS
    try:
        window = SharedRequestWindow(rate_limit, seconds, window_dir, base_url)
    except OSError as exc:
        limiter = RateLimiter(rate_limit, sleep=sleep)
        limiter.window_error = "%s: %s" % (exc.filename or window_dir, exc.strerror or exc)
        return limiter
    return RateLimiter(rate_limit, sleep=sleep, window=window)


QUEUED_PER_WORKER = 4
"""Calls :func:`map_concurrently` keeps submitted per worker thread (running or queued): bounded memory."""


def map_concurrently(client, function, values) -> list:
    """``[function(v) for v in values]`` on up to ``client.max_workers`` threads, results in input order.

    The one place bulk work fans out; every call still goes through the client's rate limiter. Calls are
    submitted as earlier ones end, at most ``max_workers`` x :data:`QUEUED_PER_WORKER` at a time, so that memory
    does not grow with the number of values.

    :param client: a :class:`TalendClient` (its ``max_workers`` bounds the threads).
    :param function: callable taking one value.
    :param values: iterable of values.
    :raises: the first exception a call raised, or one raised in the calling thread while it waits (a signal):
        then the calls not started yet are cancelled, never sent.
    """
    values = list(values)
    workers = max(1, min(client.max_workers, len(values)))
    if workers == 1:
        return [function(v) for v in values]
    pool, pending, results = ThreadPoolExecutor(max_workers=workers), deque(), []
    try:
        for value in values:   # at most QUEUED_PER_WORKER calls queued per worker: 30,000 ids are not 30,000 futures
            pending.append(pool.submit(function, value))
            if len(pending) >= workers * QUEUED_PER_WORKER:
                results.append(pending.popleft().result())
        while pending:
            results.append(pending.popleft().result())
        return results
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def tmc_argument_spec() -> dict:
    """``argument_spec`` entries of the connection options (doc fragment ``talend_ops.cloud._tmc``)."""
    env_fallback = nonempty_env_fallback  # AWX injects empty fields as "": they count as not set
    return dict(
        region=dict(type="str", fallback=(env_fallback, ["TALEND_REGION"])),
        api_url=dict(type="str", fallback=(env_fallback, ["TALEND_API_URL"])),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["TALEND_TOKEN"])),
        client_id=dict(type="str", fallback=(env_fallback, ["TALEND_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["TALEND_CLIENT_SECRET"])),
        validate_certs=dict(type="bool", fallback=(env_fallback, ["TALEND_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["TALEND_CA_PATH"])),
        timeout=dict(type="float", default=30),
        retries=dict(type="int", default=5),
        rate_limit=dict(type="int", fallback=(env_fallback, ["TALEND_RATE_LIMIT"])),
        max_workers=dict(type="int", default=8),
    )


def client_from_options(options, warn=None, share_window=True) -> TalendClient:
    """Build a :class:`TalendClient` from connection options (module params or lookup options).

    ``token`` beats ``client_id``/``client_secret`` (see ``_tmc_auth.auth_from_options``). Nothing is sent here.

    :param options: mapping with the keys of :func:`tmc_argument_spec`, or a ``_tmc_auth.OptionAdapter``.
    :param warn: ``warn(text)`` for non-fatal problems (token cache, request window), or None.
    :param share_window: count requests in the window shared by this user's processes, under
        ``$XDG_CACHE_HOME/talend_ops_cloud`` (modules); False for a client that sends a request or
        two and must write no file (the lookup): its requests are spaced evenly.
    :raises TalendConfigError: no credentials, bad URL/region, or bad numbers.
    """
    options = OptionAdapter.wrap(options)
    base_url = base_url_for(options.get("region"), options.get("api_url"))
    auth = auth_from_options(options, base_url, warn=warn)
    validate_certs = options.get("validate_certs")
    rate_limit = options.get("rate_limit")
    client = TalendClient(
        base_url,
        auth,
        validate_certs=True if validate_certs is None else validate_certs,
        ca_path=options.get("ca_path"),
        timeout=30.0 if options.get("timeout") is None else options["timeout"],
        retries=5 if options.get("retries") is None else options["retries"],
        rate_limit=DEFAULT_RATE_LIMIT if rate_limit is None else rate_limit,
        max_workers=8 if options.get("max_workers") is None else options["max_workers"],
        window_dir=default_cache_dir() if share_window else None,
    )
    if client.limiter.window_error and warn is not None:
        warn("Requests are spaced evenly at rate_limit per minute: this run cannot share its request count "
             "with the other runs of this controller (%s)." % client.limiter.window_error)
    return client


def client_from_module(module) -> TalendClient:
    """Build the client from an ``AnsibleModule``'s params, failing the module on bad input."""
    from ansible.module_utils.basic import missing_required_lib

    password = url_password(module.params.get("api_url"))
    if password:
        module.no_log_values.add(password)  # the module's answer, its invocation included, never shows it
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
    try:
        return client_from_options(module.params, warn=module.warn)
    except TalendConfigError as exc:
        module.fail_json(msg=str(exc))
