# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the HTTP client: base URL, auth, retries, rate limit, errors, paging."""

from __future__ import annotations

import json as jsonlib
import threading
import time

import pytest
import requests

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import (
    PersonalAccessToken,
    ServiceAccountToken,
    check_bearer_token,
    parse_expires_in,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    TalendClient,
    base_url_for,
    client_from_options,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendConfigError

BASE = "https://api.eu.cloud.talend.com"
PAT = "pat-value-for-unit-tests"


def make_client(auth=None, retries=2, sleeps=None):
    sleeps = [] if sleeps is None else sleeps
    return TalendClient(BASE, auth or PersonalAccessToken(PAT), retries=retries, rate_limit=100000,
                        sleep=sleeps.append)


@pytest.mark.parametrize("region,url", [("us", "https://api.us.cloud.talend.com"),
                                        ("us-west", "https://api.us-west.cloud.talend.com"),
                                        ("ap", "https://api.ap.cloud.talend.com")])
def test_region_gives_vendor_host(region, url):
    assert base_url_for(region=region) == url


def test_api_url_overrides_region_and_drops_trailing_slash():
    assert base_url_for(region="eu", api_url="https://proxy.example.com/tmc/") == "https://proxy.example.com/tmc"


@pytest.mark.parametrize("host", ["127.0.0.1:8787", "localhost", "[::1]:9000"])
def test_http_is_accepted_for_loopback_hosts(host):
    assert base_url_for(api_url="http://%s" % host).startswith("http://")


def test_http_to_a_remote_host_is_refused_before_any_request():
    with pytest.raises(TalendConfigError, match="non-loopback"):
        base_url_for(api_url="http://api.eu.cloud.talend.com")


@pytest.mark.parametrize("region", ["EU", "eu.evil.com", "api.eu", "", "e"])
def test_region_that_is_not_a_region_code_is_refused(region):
    with pytest.raises(TalendConfigError, match="not a Talend region"):
        base_url_for(region=region or "x")


def test_api_url_with_credentials_is_refused():
    with pytest.raises(TalendConfigError, match="credentials"):
        base_url_for(api_url="https://user:pw@api.eu.cloud.talend.com")


def test_whole_token_json_pasted_as_token_is_refused():
    with pytest.raises(TalendConfigError, match="access_token"):
        check_bearer_token('{"access_token": "abc", "token_type": "Bearer"}')


def test_no_credentials_error_names_both_ways_and_their_env_variables():
    with pytest.raises(TalendConfigError) as err:
        client_from_options({"region": "eu"})
    for word in ("TALEND_TOKEN", "TALEND_CLIENT_ID", "TALEND_CLIENT_SECRET", "client_id"):
        assert word in str(err.value)


def test_token_takes_precedence_over_service_account():
    client = client_from_options({"region": "eu", "token": PAT, "client_id": "sa", "client_secret": "s"})
    assert isinstance(client.auth, PersonalAccessToken)


@pytest.mark.parametrize("value,seconds", [("1800", 1800.0), (1800, 1800.0), (" 60 ", 60.0), (None, 1800.0), ("x", 1800.0)])
def test_expires_in_accepts_numbers_and_numeric_strings(value, seconds):
    assert parse_expires_in(value) == seconds


def test_every_request_carries_version_header_and_bearer(scripted):
    scripted.queue(200, [])
    make_client().get("/orchestration/environments")
    sent = scripted.sent[0]
    assert sent["headers"]["Authorization"] == "Bearer " + PAT
    assert sent["url"] == BASE + "/orchestration/environments"


def test_session_sends_talend_version_header():
    assert make_client().session.headers["talend-version"] == "2021-03"


def test_429_is_retried_honouring_retry_after(scripted):
    sleeps = []
    scripted.queue(429, {"status": 429}, {"Retry-After": "3"})
    scripted.queue(200, [{"id": "e1", "name": "Production"}])
    assert make_client(sleeps=sleeps).get("/orchestration/environments")[0]["id"] == "e1"
    assert [s for s in sleeps if s > 0.01] == [pytest.approx(3.0, abs=0.05)]  # the rest are rate-limiter slots


def test_5xx_burst_longer_than_retries_fails_with_error_fields(scripted):
    for dummy in range(3):
        scripted.queue(503, {"status": 503, "message": "busy", "detail": "try later", "requestId": "req-9"})
    with pytest.raises(TalendApiError) as err:
        make_client(retries=2).get("/orchestration/environments")
    assert err.value.status == 503
    assert "busy" in str(err.value) and "try later" in str(err.value) and "req-9" in str(err.value)
    assert len(scripted.sent) == 3


def test_connection_errors_are_retried_then_reported_without_secrets(scripted):
    for dummy in range(3):
        scripted.queue_error(requests.ConnectionError("reset by peer"))
    with pytest.raises(TalendApiError) as err:
        make_client(retries=2).get("/orchestration/environments")
    assert err.value.status is None and PAT not in str(err.value)


def test_401_with_pat_is_final_and_names_region_and_host(scripted):
    scripted.queue(401, {"status": 401, "message": "Unauthorized"})
    with pytest.raises(TalendApiError) as err:
        make_client().get("/orchestration/environments")
    text = str(err.value)
    assert "another region" in text and "api.eu.cloud.talend.com" in text and PAT not in text
    assert len(scripted.sent) == 1


def test_service_account_gets_a_token_with_basic_auth_and_audience(scripted):
    scripted.queue(200, {"access_token": "sa-token-1", "token_type": "Bearer", "expires_in": "1800"})
    scripted.queue(200, [])
    client = make_client(ServiceAccountToken("sa-id", "sa-secret", audience=BASE))
    client.get("/orchestration/environments")
    token_call, api_call = scripted.sent
    assert token_call["url"] == BASE + "/security/oauth/token"
    assert token_call["auth"] == ("sa-id", "sa-secret")
    assert token_call["json"] == {"audience": BASE, "grant_type": "client_credentials"}
    assert "Authorization" not in token_call["headers"]
    assert api_call["headers"]["Authorization"] == "Bearer sa-token-1"


def test_service_account_401_gets_one_new_token_and_one_repeat_only(scripted):
    scripted.queue(200, {"access_token": "t1", "token_type": "Bearer", "expires_in": 1800})
    scripted.queue(401, {"status": 401})
    scripted.queue(200, {"access_token": "t2", "token_type": "Bearer", "expires_in": 1800})
    scripted.queue(401, {"status": 401})
    with pytest.raises(TalendApiError) as err:
        make_client(ServiceAccountToken("sa-id", "sa-secret", audience=BASE)).get("/orchestration/environments")
    assert len(scripted.sent) == 4
    assert "client_id/client_secret" in str(err.value) and "sa-secret" not in str(err.value)


def test_service_account_token_is_renewed_shortly_before_expiry(scripted):
    now = [1000.0]
    auth = ServiceAccountToken("sa-id", "sa-secret", audience=BASE, clock=lambda: now[0])
    scripted.queue(200, {"access_token": "t1", "token_type": "Bearer", "expires_in": "1800"})
    scripted.queue(200, [])
    scripted.queue(200, {"access_token": "t2", "token_type": "Bearer", "expires_in": "1800"})
    scripted.queue(200, [])
    client = make_client(auth)
    client.get("/orchestration/environments")
    now[0] += 1750  # inside the renewal margin
    client.get("/orchestration/environments")
    assert scripted.sent[3]["headers"]["Authorization"] == "Bearer t2"
    assert auth.fetch_count == 2


def test_refused_service_account_says_check_credentials_and_region(scripted):
    scripted.queue(401, {"status": 401, "message": "invalid_client"})
    with pytest.raises(TalendApiError, match="client_id/client_secret") as err:
        make_client(ServiceAccountToken("sa-id", "sa-secret", audience=BASE)).get("/orchestration/environments")
    assert "sa-secret" not in str(err.value)


def test_paging_reads_until_total(scripted):
    scripted.queue(200, {"items": [{"executable": str(i)} for i in range(100)], "limit": 100, "offset": 0, "total": 150})
    scripted.queue(200, {"items": [{"executable": str(i)} for i in range(100, 150)], "limit": 100, "offset": 100, "total": 150})
    items = list(make_client().iter_pages("GET", "/orchestration/executables/tasks", params={"environmentId": "e1"}))
    assert [i["executable"] for i in items] == [str(i) for i in range(150)]
    assert scripted.sent[1]["params"] == {"environmentId": "e1", "limit": 100, "offset": 100}


def test_search_paging_sends_limit_and_offset_in_the_body(scripted):
    scripted.queue(200, {"items": [{"executable": "a"}], "limit": 100, "offset": 0, "total": 1})
    list(make_client().iter_pages("POST", "/orchestration/executables/tasks/search", body={"tags": ["sap"]}))
    assert scripted.sent[0]["json"] == {"tags": ["sap"], "limit": 100, "offset": 0}


@pytest.mark.parametrize("option, value", [("max_workers", 0), ("timeout", 0)])
def test_zero_workers_or_timeout_from_options_is_refused_not_replaced_by_the_default(option, value):
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import client_from_options
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError

    with pytest.raises(TalendConfigError, match=option):
        client_from_options({"api_url": BASE, "token": "unit-pat", option: value})


class PagedList:
    """Answers a paged list by its ``offset`` (whatever order the requests arrive in): ``total`` items, or a total
    that grows to ``grown`` after the first page."""

    def __init__(self, total, grown=None):
        self.total, self.grown, self.offsets, self.lock = total, grown, [], threading.Lock()
        self.in_flight = self.most_in_flight = 0

    def request(self, method, url, params=None, json=None, **_):
        offset, limit = (params or json)["offset"], (params or json)["limit"]
        with self.lock:
            self.offsets.append(offset)
            total = self.grown if (self.grown and len(self.offsets) > 1) else self.total
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(0.02)  # a round trip, so that pages read at once overlap
        with self.lock:
            self.in_flight -= 1
        response = requests.Response()
        response.status_code = 200
        items = [{"id": str(i)} for i in range(offset, min(offset + limit, total))]
        response._content = jsonlib.dumps({"items": items, "limit": limit, "offset": offset, "total": total}).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = requests.Request(method, url).prepare()
        return response


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_paging_reads_the_other_pages_concurrently_and_yields_in_order(monkeypatch, method):
    paged = PagedList(total=950)
    monkeypatch.setattr(requests.Session, "request", lambda self, *a, **kw: paged.request(*a, **kw))
    client = TalendClient(BASE, PersonalAccessToken(PAT), rate_limit=100000, max_workers=4)
    items = list(client.iter_pages(method, "/orchestration/executables/tasks"))
    assert [i["id"] for i in items] == [str(i) for i in range(950)]
    assert paged.offsets[0] == 0 and sorted(paged.offsets) == list(range(0, 1000, 100))
    assert 1 < paged.most_in_flight <= 4  # the pages after the first overlap, never more than max_workers


def test_paging_reads_on_when_the_list_grew_while_it_was_read(monkeypatch):
    paged = PagedList(total=150, grown=420)
    monkeypatch.setattr(requests.Session, "request", lambda self, *a, **kw: paged.request(*a, **kw))
    client = TalendClient(BASE, PersonalAccessToken(PAT), rate_limit=100000, max_workers=8)
    assert [i["id"] for i in client.iter_pages("GET", "/x")] == [str(i) for i in range(420)]
    assert sorted(paged.offsets) == [0, 100, 200, 300, 400]


def test_bulk_calls_are_submitted_as_earlier_ones_end_not_all_at_once(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_client

    counts, lock = {"submitted": 0, "ended": 0, "most_outstanding": 0}, threading.Lock()

    class CountingPool(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # pylint: disable=arguments-differ
            with lock:
                counts["submitted"] += 1
                counts["most_outstanding"] = max(counts["most_outstanding"], counts["submitted"] - counts["ended"])
            return super().submit(fn, *args, **kwargs)

    def call(value):
        with lock:
            counts["ended"] += 1
        return value * 2

    monkeypatch.setattr(_tmc_client, "ThreadPoolExecutor", CountingPool)
    client = TalendClient(BASE, PersonalAccessToken(PAT), rate_limit=100000, max_workers=4)
    assert _tmc_client.map_concurrently(client, call, range(3000)) == [v * 2 for v in range(3000)]
    assert counts["most_outstanding"] <= 4 * _tmc_client.QUEUED_PER_WORKER


def test_the_proxy_and_the_ca_bundle_of_the_environment_are_read_once_for_the_api_host(monkeypatch, scripted):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/company-ca.pem")
    client = make_client()
    assert client.session.trust_env is False, "requests must not scan the environment at every request"
    assert client.session.proxies.get("https") == "http://proxy.example:3128"
    assert client.session.verify == "/etc/company-ca.pem"
    bypassed = TalendClient("https://tmc.internal.example", PersonalAccessToken(PAT), rate_limit=100000)
    assert "https" not in bypassed.session.proxies, "NO_PROXY names the host"
    pinned = TalendClient(BASE, PersonalAccessToken(PAT), rate_limit=100000, ca_path="/etc/own.pem")
    assert pinned.session.verify == "/etc/own.pem", "ca_path wins over the environment's bundle"
