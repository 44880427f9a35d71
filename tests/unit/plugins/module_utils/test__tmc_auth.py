# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of token handling: precedence, checks before any request, renewal, cache, 401 handling."""

from __future__ import annotations

import base64
import json
import os

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import (
    OptionAdapter,
    PersonalAccessToken,
    ServiceAccountToken,
    auth_from_options,
    check_bearer_token,
    parse_expires_in,
    renew_margin,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient, client_from_options
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_token_cache import TokenCache

BASE = "https://api.eu.cloud.talend.com"
SECRET = "unit-sa-secret-value"
BASIC = base64.b64encode(("sa-id:" + SECRET).encode()).decode()


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def token_answer(token, expires_in="1800"):
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}


def client_for(auth):
    return TalendClient(BASE, auth, retries=0, rate_limit=100000, sleep=lambda s: None)


def account(clock=None, cache=None, warn=None):
    return ServiceAccountToken("sa-id", SECRET, audience=BASE, clock=clock or Clock(), cache=cache, warn=warn)


def assert_no_secret(text):
    for value in (SECRET, BASIC):
        assert value not in text


# -- precedence and checks before any request -------------------------------------------------

def test_token_beats_service_account_whatever_the_source():
    auth = auth_from_options({"token": "pat-1", "client_id": "sa-id", "client_secret": SECRET}, BASE)
    assert isinstance(auth, PersonalAccessToken)


def test_empty_strings_count_as_not_given_as_awx_injects_them():
    client = client_from_options({"token": "", "client_id": "sa-id", "client_secret": SECRET,
                                  "region": "", "api_url": ""})
    assert isinstance(client.auth, ServiceAccountToken)
    assert client.base_url == "https://api.us.cloud.talend.com"


def test_neither_way_given_names_both_ways_and_env_variables(scripted):
    with pytest.raises(TalendConfigError) as err:
        auth_from_options({"token": None, "client_id": None, "client_secret": None}, BASE)
    for word in ("token", "TALEND_TOKEN", "client_id", "client_secret", "TALEND_CLIENT_ID", "TALEND_CLIENT_SECRET"):
        assert word in str(err.value)
    assert scripted.sent == []


@pytest.mark.parametrize("given,missing", [({"client_id": "sa-id"}, "TALEND_CLIENT_SECRET"),
                                           ({"client_secret": SECRET}, "TALEND_CLIENT_ID")])
def test_half_a_service_account_names_the_missing_part(given, missing):
    with pytest.raises(TalendConfigError, match=missing) as err:
        auth_from_options(given, BASE)
    assert_no_secret(str(err.value))


def test_client_id_with_a_colon_is_refused_as_basic_auth_would_split_it():
    with pytest.raises(TalendConfigError, match="':'"):
        ServiceAccountToken("sa:id", SECRET, audience=BASE)


def test_secret_with_non_ascii_characters_is_refused_without_quoting_it():
    with pytest.raises(TalendConfigError, match="client_secret") as err:
        ServiceAccountToken("sa-id", "s\u00e9cret-value", audience=BASE)
    assert "s\u00e9cret" not in str(err.value)


def test_client_id_and_secret_are_stripped_of_a_trailing_newline():
    auth = ServiceAccountToken("sa-id\n", SECRET + "\n", audience=BASE)
    assert auth.client_id == "sa-id" and auth._secret == SECRET


@pytest.mark.parametrize("bad,words", [('{"access_token": "x"}', "access_token"),
                                       ("Bearer abc", "without 'Bearer '"),
                                       ("abc\u00e9def", "printable ASCII"),
                                       ("  ", "empty")])
def test_malformed_tokens_are_refused_before_any_request(bad, words):
    with pytest.raises(TalendConfigError, match=words) as err:
        check_bearer_token(bad)
    assert bad.strip() not in str(err.value) or not bad.strip()


def test_token_with_a_trailing_newline_from_a_file_is_accepted():
    assert check_bearer_token("pat-value\n") == "pat-value"


def test_option_adapter_reads_plugin_options_and_missing_ones_as_none():
    class Plugin:
        _origins = {"token": "Direct"}  # what set_options() records (ansible-core 2.18 and later)

        def get_option_and_origin(self, name):
            return {"token": ("pat-1", "Direct")}[name]

    options = OptionAdapter.from_plugin(Plugin())
    assert options.get("token") == "pat-1" and options["token_cache"] is None
    assert isinstance(auth_from_options(options, BASE), PersonalAccessToken)


def test_option_adapter_reads_options_given_directly_where_the_plugin_records_no_origin(monkeypatch):
    """ansible-core 2.16 and 2.17: get_option_and_origin() reads the configuration without the direct options."""
    monkeypatch.setenv("TALEND_VALIDATE_CERTS", "")

    class Plugin:  # no _origins
        options = {"token": "pat-1", "validate_certs": False, "rate_limit": 60}
        config = {"token": (None, "default"), "validate_certs": (False, "env: TALEND_VALIDATE_CERTS"),
                  "rate_limit": (None, "default")}

        def get_option(self, name):
            return self.options[name]

        def get_option_and_origin(self, name):
            return self.config[name]

    options = OptionAdapter.from_plugin(Plugin())
    assert options.get("token") == "pat-1" and options.get("rate_limit") == 60
    assert options.get("validate_certs") is None  # from the empty variable: TLS verification stays on


def test_reprs_hold_no_token_and_no_secret():
    assert "pat-1" not in repr(PersonalAccessToken("pat-1"))
    assert_no_secret(repr(account()))


# -- expires_in and renewal -----------------------------------------------------------------------

@pytest.mark.parametrize("value,seconds", [("1800", 1800.0), (1800, 1800.0), (1800.0, 1800.0), ("60", 60.0),
                                           (True, 1800.0), ("inf", 1800.0), ("nan", 1800.0), (-5, 1800.0),
                                           ("", 1800.0), ([], 1800.0)])
def test_expires_in_number_or_numeric_string_else_documented_lifetime(value, seconds):
    assert parse_expires_in(value) == seconds


def test_renewal_margin_is_two_minutes_for_usual_tokens_and_a_tenth_for_short_ones():
    assert renew_margin(1800) == 120 and renew_margin(60) == 6


@pytest.mark.parametrize("expires_in", ["1800", 1800])
def test_token_is_reused_until_shortly_before_expiry_then_renewed(scripted, expires_in):
    clock = Clock()
    auth = account(clock)
    client = client_for(auth)
    scripted.queue(200, token_answer("t1", expires_in))
    for dummy in range(3):
        scripted.queue(200, [])
    scripted.queue(200, token_answer("t2", expires_in))
    scripted.queue(200, [])
    client.get("/orchestration/environments")
    clock.now += 1000
    client.get("/orchestration/environments")
    clock.now += 670  # 1670 s: still 130 s left
    client.get("/orchestration/environments")
    clock.now += 20  # 1690 s: inside the last 120 s
    client.get("/orchestration/environments")
    bearers = [s["headers"].get("Authorization") for s in scripted.sent if "oauth" not in s["url"]]
    assert bearers == ["Bearer t1", "Bearer t1", "Bearer t1", "Bearer t2"]
    assert auth.fetch_count == 2


def test_short_lived_tokens_are_not_fetched_again_for_every_request(scripted):
    clock = Clock()
    auth = account(clock)
    scripted.queue(200, token_answer("t1", 60))
    for dummy in range(5):
        scripted.queue(200, [])
    client = client_for(auth)
    for dummy in range(5):
        client.get("/orchestration/environments")
        clock.now += 5
    assert auth.fetch_count == 1


def test_token_expired_on_the_server_is_replaced_once_and_the_request_repeated(scripted):
    auth = account()
    scripted.queue(200, token_answer("t1"))
    scripted.queue(401, {"status": 401, "message": "Token expired"})
    scripted.queue(200, token_answer("t2"))
    scripted.queue(200, [{"id": "e1"}])
    assert client_for(auth).get("/orchestration/environments") == [{"id": "e1"}]
    assert scripted.sent[3]["headers"]["Authorization"] == "Bearer t2"


def test_expired_pat_fails_with_expired_revoked_or_region_and_the_host(scripted):
    scripted.queue(401, {"status": 401, "message": "Token expired"})
    with pytest.raises(TalendApiError) as err:
        client_for(PersonalAccessToken("pat-unit-value")).get("/orchestration/environments")
    text = str(err.value)
    assert "expired" in text and "another region" in text and "api.eu.cloud.talend.com" in text
    assert "pat-unit-value" not in text and len(scripted.sent) == 1


def test_a_worker_with_a_stale_401_does_not_throw_away_the_new_token(scripted):
    auth = account()
    scripted.queue(200, token_answer("t1"))
    scripted.queue(200, token_answer("t2"))
    sender = client_for(auth).send
    assert auth.bearer(sender) == "t1"
    auth.invalidate("t1")  # worker A saw a 401
    assert auth.bearer(sender) == "t2"
    auth.invalidate("t1")  # worker B saw a 401 with the same old token
    assert auth.bearer(sender) == "t2" and auth.fetch_count == 2


# -- token endpoint errors ---------------------------------------------------------------------------

def test_refused_account_names_credentials_region_and_host_without_secret(scripted):
    scripted.queue(401, {"status": 401, "message": "Service not found: wrong region?"})
    with pytest.raises(TalendApiError) as err:
        account().bearer(client_for(account()).send)
    text = str(err.value)
    for word in ("client_id/client_secret", "TALEND_CLIENT_SECRET", "another region", "api.eu.cloud.talend.com"):
        assert word in text
    assert_no_secret(text)


def test_disabled_account_gets_its_own_hint(scripted):
    scripted.queue(403, {"status": 403, "message": "Forbidden"})
    with pytest.raises(TalendApiError, match="disabled"):
        account().bearer(client_for(account()).send)


def test_token_answer_without_access_token_is_a_clear_error(scripted):
    scripted.queue(200, {"token_type": "Bearer"})
    with pytest.raises(TalendApiError, match="without a usable access_token"):
        account().bearer(client_for(account()).send)


def test_token_request_carries_basic_auth_audience_and_grant_type_only(scripted):
    scripted.queue(200, token_answer("t1"))
    account().bearer(client_for(account()).send)
    sent = scripted.sent[0]
    assert sent["method"] == "POST" and sent["url"] == BASE + "/security/oauth/token"
    assert sent["auth"] == ("sa-id", SECRET)
    assert sent["json"] == {"audience": BASE, "grant_type": "client_credentials"}
    assert SECRET not in json.dumps(sent["json"]) and "Authorization" not in sent["headers"]


# -- the on-disk cache through the service account --------------------------------------------------

def test_second_process_reuses_the_cached_token_without_a_request(scripted, tmp_path):
    clock = Clock()
    scripted.queue(200, token_answer("t1"))
    first = account(clock, TokenCache(str(tmp_path)))
    assert first.bearer(client_for(first).send) == "t1"
    clock.now += 600
    second = account(clock, TokenCache(str(tmp_path)))
    assert second.bearer(client_for(second).send) == "t1"
    assert len(scripted.sent) == 1 and second.source == "cache"


def test_cached_token_near_expiry_is_replaced_and_the_cache_updated(scripted, tmp_path):
    clock = Clock()
    scripted.queue(200, token_answer("t1"))
    scripted.queue(200, token_answer("t2"))
    first = account(clock, TokenCache(str(tmp_path)))
    first.bearer(client_for(first).send)
    clock.now += 1700
    second = account(clock, TokenCache(str(tmp_path)))
    assert second.bearer(client_for(second).send) == "t2"
    assert TokenCache(str(tmp_path)).load(BASE, "sa-id")["access_token"] == "t2"


def test_cached_token_refused_with_401_is_dropped_and_replaced(scripted, tmp_path):
    clock = Clock()
    TokenCache(str(tmp_path)).store(BASE, "sa-id", "revoked-t0", clock.now, clock.now + 1800)
    auth = account(clock, TokenCache(str(tmp_path)))
    scripted.queue(401, {"status": 401, "message": "Token expired"})
    scripted.queue(200, token_answer("t1"))
    scripted.queue(200, [])
    client_for(auth).get("/orchestration/environments")
    assert [s["headers"].get("Authorization") for s in scripted.sent] == ["Bearer revoked-t0", None, "Bearer t1"]
    assert TokenCache(str(tmp_path)).load(BASE, "sa-id")["access_token"] == "t1"


def test_cache_file_holds_neither_secret_nor_basic_header_and_is_0600(scripted, tmp_path):
    scripted.queue(200, token_answer("t1"))
    cache = TokenCache(str(tmp_path / "c"))
    auth = account(cache=cache)
    auth.bearer(client_for(auth).send)
    path = cache.path_for(BASE, "sa-id")
    content = open(path).read()
    assert "t1" in content
    assert_no_secret(content)
    assert "sa-id" not in os.path.basename(path)
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_unusable_cache_warns_and_the_token_is_fetched_anyway(scripted, tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    warnings = []
    scripted.queue(200, token_answer("t1"))
    auth = account(cache=TokenCache(str(not_a_dir)), warn=warnings.append)
    assert auth.bearer(client_for(auth).send) == "t1"
    assert len(warnings) == 1 and "Token cache not used" in warnings[0]


def test_cache_is_only_used_when_asked_for(tmp_path):
    off = auth_from_options({"client_id": "sa-id", "client_secret": SECRET}, BASE)
    on = auth_from_options({"client_id": "sa-id", "client_secret": SECRET, "token_cache": True,
                            "token_cache_dir": str(tmp_path)}, BASE)
    assert off._cache is None and on._cache.directory == str(tmp_path)
