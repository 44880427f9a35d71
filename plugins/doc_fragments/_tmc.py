# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this doc fragment is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every module of the collection."""

    DOCUMENTATION = r"""
options:
  region:
    description:
      - Talend Cloud region whose API is called, as in C(https://api.<region>.cloud.talend.com).
      - The vendor documents C(us), C(eu), C(ap) (Asia Pacific, Tokyo), C(au) and C(us-west);
        any value of the form C(xx) or C(xx-word) is accepted for newer data centres.
      - Ignored when O(api_url) is set.
      - If not set, the value of the E(TALEND_REGION) environment variable is used, then C(us).
    type: str
  api_url:
    description:
      - Base URL of the API, overriding O(region). Use it for proxies and the local emulator.
      - Must use C(https://); C(http://) is accepted only for loopback hosts (V(127.0.0.1), V(localhost), V(::1)).
      - If not set, the value of the E(TALEND_API_URL) environment variable is used.
    type: str
  token:
    description:
      - Personal access token or service account token sent in the C(Authorization) header as a bearer token.
      - Takes precedence over O(client_id) and O(client_secret).
      - Give the C(access_token) value only, not the whole JSON answer of the token endpoint.
      - If not set, the value of the E(TALEND_TOKEN) environment variable is used.
    type: str
  client_id:
    description:
      - Service account id. With O(client_secret), the client asks C(POST /security/oauth/token)
        for a service account token, asks for a new one shortly before it expires, and asks
        once more when the API answers 401.
      - If not set, the value of the E(TALEND_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - Service account secret, used with O(client_id).
      - If not set, the value of the E(TALEND_CLIENT_SECRET) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the API's TLS certificate. Turn off only for a test proxy.
      - If not set, the value of the E(TALEND_VALIDATE_CERTS) environment variable is used, then V(true).
    type: bool
  ca_path:
    description:
      - PEM file of CA certificates used to verify the API's TLS certificate (for corporate proxies).
      - If not set, the value of the E(TALEND_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request (connect and read).
    type: float
    default: 30
  retries:
    description:
      - Attempts after the first one for a request answered 429, 502, 503 or 504, or that hit a
        connection error. Waits follow C(Retry-After) when the API sends it, otherwise an
        exponential backoff with jitter.
    type: int
    default: 5
  rate_limit:
    description:
      - Requests per minute this client may send. The vendor allows 1800 per minute per
        source IP for Orchestration and Processing; the default stays below that.
      - Any positive integer; proxies and emulators may allow more.
      - The limit holds for every module run of this user on this controller together, retries
        included. Each request waits until fewer than O(rate_limit) requests to the same API host
        started in the last 60.5 seconds (60 s and a margin). They are counted in a small file of
        counts (no token, no URL) under C($XDG_CACHE_HOME/talend_ops_cloud) (else
        C(~/.cache/talend_ops_cloud)), so a run after a quiet minute goes at the speed of
        O(max_workers) and a long one settles at O(rate_limit).
      - Requests are spaced evenly instead (one every 60.5 s / O(rate_limit), never a burst) when
        that directory cannot be used (with a warning), and for the rest of the run after a 429
        answer, which also makes every concurrent request of the module run wait
        (C(Retry-After) when the API sends it).
      - Other controllers, or other users, behind the same source IP share the vendor's budget
        too, so give each a part of it.
      - If not set, the value of the E(TALEND_RATE_LIMIT) environment variable is used, then V(1500).
    type: int
  max_workers:
    description:
      - Concurrent requests for bulk work (many ids in one module run).
    type: int
    default: 8
requirements:
  - requests >= 2.31 (Python library on the controller)
"""
