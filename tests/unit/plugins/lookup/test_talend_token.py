# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_token lookup: pass-through, exchange, option sources, errors, cache."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import nonempty_env_fallback
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import client_from_options, tmc_argument_spec

ROOT = Path(__file__).resolve().parents[4]
COLLECTIONS = ROOT / ".build" / "collections"
SECRET = "lookup-unit-secret-value"
CLIENT = "bbb0a624-unit"
BASIC = base64.b64encode(("%s:%s" % (CLIENT, SECRET)).encode()).decode()


def _collection_modules():
    return [name for name in sys.modules if name == "ansible_collections" or name.startswith("ansible_collections.")]


@pytest.fixture(scope="module")
def loader():
    """ansible's plugin loader over the collection link.

    Other test files imported the collection by plain path, without the collection metadata the
    plugin loader needs: set those modules aside, let ansible's collection finder import the
    collection afresh, and put everything back afterwards.
    """
    saved = {name: sys.modules.pop(name) for name in _collection_modules()}
    init_plugin_loader([str(COLLECTIONS)])
    yield lookup_loader
    for name in _collection_modules():
        del sys.modules[name]
    sys.modules.update(saved)
    _AnsibleCollectionFinder._remove()


@pytest.fixture
def lookup(loader, monkeypatch, tmp_path):
    """The lookup, with no TALEND_* variable from the caller's environment and a private cache home."""
    for name in list(os.environ):
        if name.startswith("TALEND_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    plugin = loader.get("talend_ops.cloud.talend_token")

    def run(variables=None, terms=(), **kwargs):
        return plugin.run(list(terms), variables=variables or {}, **kwargs)

    return run


def answer(token="sa-token-1", expires_in="1800"):
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}


def test_pat_is_passed_through_without_any_request(lookup, scripted):
    assert lookup(token="pat-value") == ["pat-value"]
    assert scripted.sent == []


@pytest.mark.parametrize("expires_in", ["1800", 1800])
def test_service_account_is_exchanged_for_a_token_with_basic_auth(lookup, scripted, expires_in):
    scripted.queue(200, answer(expires_in=expires_in))
    assert lookup(region="eu", client_id=CLIENT, client_secret=SECRET) == ["sa-token-1"]
    sent = scripted.sent[0]
    assert sent["url"] == "https://api.eu.cloud.talend.com/security/oauth/token"
    assert sent["auth"] == (CLIENT, SECRET)
    assert sent["json"] == {"audience": "https://api.eu.cloud.talend.com", "grant_type": "client_credentials"}


def test_token_beats_client_id_and_secret(lookup, scripted):
    assert lookup(token="pat-value", client_id=CLIENT, client_secret=SECRET) == ["pat-value"]
    assert scripted.sent == []


def test_options_come_from_the_same_env_variables_as_the_modules(lookup, scripted, monkeypatch):
    monkeypatch.setenv("TALEND_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("TALEND_CLIENT_ID", CLIENT)
    monkeypatch.setenv("TALEND_CLIENT_SECRET", SECRET)
    scripted.queue(200, answer())
    assert lookup() == ["sa-token-1"]
    assert scripted.sent[0]["url"] == "http://127.0.0.1:9/security/oauth/token"
    assert scripted.sent[0]["json"]["audience"] == "http://127.0.0.1:9"


def test_keyword_beats_play_variable_beats_env_variable(lookup, monkeypatch):
    monkeypatch.setenv("TALEND_TOKEN", "from-env")
    assert lookup() == ["from-env"]
    assert lookup({"talend_token": "from-vars"}) == ["from-vars"]
    assert lookup({"talend_token": "from-vars"}, token="from-keyword") == ["from-keyword"]


def test_play_variables_carry_a_service_account(lookup, scripted):
    scripted.queue(200, answer())
    variables = {"talend_region": "ap", "talend_client_id": CLIENT, "talend_client_secret": SECRET}
    assert lookup(variables) == ["sa-token-1"]
    assert scripted.sent[0]["url"] == "https://api.ap.cloud.talend.com/security/oauth/token"


def test_no_credentials_fails_before_any_request_naming_both_ways(lookup, scripted):
    with pytest.raises(AnsibleError) as err:
        lookup(region="eu")
    for word in ("TALEND_TOKEN", "TALEND_CLIENT_ID", "TALEND_CLIENT_SECRET", "client_id"):
        assert word in str(err.value)
    assert scripted.sent == []


def test_whole_token_json_pasted_as_token_is_refused(lookup, scripted):
    with pytest.raises(AnsibleError, match="access_token"):
        lookup(token='{"access_token": "abc", "token_type": "Bearer", "expires_in": "1800"}')
    assert scripted.sent == []


def test_terms_are_refused(lookup):
    with pytest.raises(AnsibleError, match="takes no terms"):
        lookup(terms=["eu"], token="pat-value")


def test_refused_account_names_region_and_host_without_secret(lookup, scripted):
    scripted.queue(401, {"status": 401, "message": "The ClientId or Secret is missing or invalid"})
    with pytest.raises(AnsibleError) as err:
        lookup(region="ap", client_id=CLIENT, client_secret=SECRET)
    text = str(err.value)
    assert "another region" in text and "api.ap.cloud.talend.com" in text
    assert SECRET not in text and BASIC not in text


def test_without_cache_every_evaluation_asks_for_a_token_and_writes_nothing(lookup, scripted, tmp_path):
    scripted.queue(200, answer("t1"))
    scripted.queue(200, answer("t2"))
    options = dict(region="eu", client_id=CLIENT, client_secret=SECRET)
    assert lookup(**options) == ["t1"] and lookup(**options) == ["t2"]
    assert not (tmp_path / "xdg").exists()


def test_with_cache_many_evaluations_share_one_token(lookup, scripted, tmp_path):
    scripted.queue(200, answer("t1"))
    options = dict(region="eu", client_id=CLIENT, client_secret=SECRET, token_cache=True)
    assert [lookup(**options) for dummy in range(3)] == [["t1"]] * 3
    assert len(scripted.sent) == 1
    directory = tmp_path / "xdg" / "talend_ops_cloud"
    assert directory.stat().st_mode & 0o777 == 0o700
    entry, lock = sorted(directory.iterdir(), key=lambda p: p.suffix)  # the entry and its lock file
    assert (entry.suffix, lock.suffix, lock.read_text()) == (".json", ".lock", "")
    assert entry.stat().st_mode & 0o777 == 0o600 and lock.stat().st_mode & 0o777 == 0o600
    assert CLIENT not in lock.name
    content = entry.read_text()
    assert SECRET not in content and BASIC not in content and CLIENT not in entry.name


def test_cache_is_kept_per_account_and_region(lookup, scripted, tmp_path):
    scripted.queue(200, answer("eu-token"))
    scripted.queue(200, answer("us-token"))
    scripted.queue(200, answer("other-account-token"))
    cache = dict(token_cache=True, token_cache_dir=str(tmp_path / "c"), client_secret=SECRET)
    assert lookup(region="eu", client_id=CLIENT, **cache) == ["eu-token"]
    assert lookup(region="us", client_id=CLIENT, **cache) == ["us-token"]
    assert lookup(region="eu", client_id="another-id", **cache) == ["other-account-token"]
    assert lookup(region="eu", client_id=CLIENT, **cache) == ["eu-token"]
    assert len(scripted.sent) == 3


def test_awx_credential_type_injects_exactly_the_env_variables_modules_and_lookup_read(loader):
    credential_type = yaml.safe_load((ROOT / "extensions" / "awx" / "credential_type.yml").read_text())
    fields = {f["id"]: f for f in credential_type["inputs"]["fields"]}
    injected = credential_type["injectors"]["env"]
    spec = tmc_argument_spec()
    lookup_defs = C.config.get_configuration_definitions("lookup", loader.get("talend_ops.cloud.talend_token")._load_name)
    assert len(injected) == len(fields) == 8
    for option in ("region", "api_url", "token", "client_id", "client_secret", "ca_path", "validate_certs",
                   "rate_limit"):
        fallback_function, (env,) = spec[option]["fallback"]
        assert fallback_function is nonempty_env_fallback
        assert [e["name"] for e in lookup_defs[option]["env"]] == [env], option
        assert injected[env] == "{{ talend_%s }}" % option, env
        assert fields["talend_" + option].get("secret", False) == bool(spec[option].get("no_log")), option


@pytest.mark.parametrize("name", ["TALEND_VALIDATE_CERTS", "TALEND_CA_PATH", "TALEND_RATE_LIMIT", "TALEND_REGION"])
def test_an_empty_env_variable_as_awx_injects_it_counts_as_not_set(lookup, loader, name, monkeypatch):
    """AWX injects empty credential fields as "": TLS verification must stay on, no CA path, default rate."""
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import OptionAdapter

    monkeypatch.setenv(name, "")
    plugin = loader.get("talend_ops.cloud.talend_token")
    plugin.set_options(var_options={}, direct={"token": "a-pat"})
    options = OptionAdapter.from_plugin(plugin)
    assert options.get(name[len("TALEND_"):].lower()) is None


def test_an_empty_env_variable_keeps_tls_verification_on_in_the_client(lookup, loader, monkeypatch):
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import OptionAdapter

    monkeypatch.setenv("TALEND_VALIDATE_CERTS", "")
    monkeypatch.setenv("TALEND_CA_PATH", "")
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):   # else verify is that bundle (still on)
        monkeypatch.delenv(name, raising=False)
    plugin = loader.get("talend_ops.cloud.talend_token")
    plugin.set_options(var_options={}, direct={"token": "a-pat", "region": "eu"})
    client = client_from_options(OptionAdapter.from_plugin(plugin), share_window=False)
    assert client.session.verify is True


def test_a_direct_option_still_wins_over_an_empty_env_variable(lookup, loader, monkeypatch):
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import OptionAdapter

    monkeypatch.setenv("TALEND_RATE_LIMIT", "")
    plugin = loader.get("talend_ops.cloud.talend_token")
    plugin.set_options(var_options={}, direct={"token": "a-pat", "rate_limit": 60})
    assert OptionAdapter.from_plugin(plugin).get("rate_limit") == 60
