"""Authentication: PATs, service-account tokens, expiry on the emulator clock."""

from __future__ import annotations

import requests

from emulator_harness import (BOT, VIEWER_PAT, Client, api, assert_error_response,  # noqa: F401  # pylint: disable=unused-import
                              check_schema, emulator_server)


def get_token(api, audience=None, client_id=None, secret=None, body=None):
    payload = body if body is not None else {"audience": audience or api.url,
                                             "grant_type": "client_credentials"}
    return requests.post(api.url + "/security/oauth/token", json=payload,
                         auth=(client_id or BOT["id"], secret or BOT["secret"]), timeout=10)


def test_request_without_token_is_401(api):
    resp = Client(api.url, token=None).get("/orchestration/environments")
    body = assert_error_response(resp, 401)
    assert "Token" in body["detail"]


def test_unknown_bearer_token_is_401(api):
    assert_error_response(Client(api.url, token="not-a-token").get("/orchestration/workspaces"), 401)


def test_whole_token_json_as_bearer_is_401(api):
    import json
    token_json = json.dumps(get_token(api).json())
    assert_error_response(Client(api.url, token=token_json).get("/orchestration/workspaces"), 401)


def test_service_account_token_has_expires_in_as_string(api):
    resp = get_token(api)
    assert resp.status_code == 200
    body = resp.json()
    check_schema(body, "TokenResponse")
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == "1800"
    assert Client(api.url, token=body["access_token"]).get("/orchestration/environments").status_code == 200


def test_expires_in_can_be_a_number(api):
    api.admin("POST", "config", json={"expires_in_as_string": False, "token_lifetime_seconds": 60})
    assert get_token(api).json()["expires_in"] == 60


def test_audience_with_trailing_slash_is_accepted(api):
    assert get_token(api, audience=api.url + "/").status_code == 200


def test_audience_of_another_region_is_401(api):
    body = assert_error_response(get_token(api, audience="https://api.ap.cloud.talend.com"), 401)
    assert "region" in body["detail"]


def test_configured_audience_replaces_the_base_url(api):
    api.admin("POST", "config", json={"audience": "https://api.eu.cloud.talend.com"})
    assert get_token(api, audience="https://api.eu.cloud.talend.com").status_code == 200
    assert get_token(api).status_code == 401


def test_bad_secret_is_401(api):
    assert_error_response(get_token(api, secret="wrong"), 401)


def test_missing_basic_auth_is_401(api):
    resp = requests.post(api.url + "/security/oauth/token", timeout=10,
                         json={"audience": api.url, "grant_type": "client_credentials"})
    assert_error_response(resp, 401)


def test_missing_audience_or_grant_type_is_401_as_the_spec_declares_no_400(api):
    assert_error_response(get_token(api, body={"grant_type": "client_credentials"}), 401)
    assert_error_response(get_token(api, body={"audience": api.url}), 401)
    assert_error_response(get_token(api, body={"audience": api.url, "grant_type": "password"}), 401)


def test_disabled_service_account_is_403(api):
    from emulator_harness import SAMPLE
    retired = next(sa for sa in SAMPLE["serviceAccounts"] if sa.get("enabled") is False)
    assert_error_response(get_token(api, client_id=retired["id"], secret=retired["secret"]), 403)


def test_token_expired_through_admin_is_401(api):
    client = Client(api.url, token=get_token(api).json()["access_token"])
    assert client.get("/orchestration/environments").status_code == 200
    assert api.admin("POST", "tokens/expire")["expired"] == 1
    body = assert_error_response(client.get("/orchestration/environments"), 401)
    assert "expired" in body["detail"].lower()
    assert Client(api.url).get("/orchestration/environments").status_code == 200  # PATs unaffected


def test_token_expires_when_the_clock_passes_its_lifetime(api):
    client = Client(api.url, token=get_token(api).json()["access_token"])
    api.admin("POST", "clock", json={"advance_seconds": 1799})
    assert client.get("/orchestration/environments").status_code == 200
    api.admin("POST", "clock", json={"advance_seconds": 2})
    assert_error_response(client.get("/orchestration/environments"), 401)


def test_revoking_pats_through_admin(api):
    api.admin("POST", "tokens/expire", json={"include_pats": True})
    assert_error_response(api.get("/orchestration/environments"), 401)


def test_viewer_can_read_every_task(api):
    viewer = Client(api.url, token=VIEWER_PAT)
    assert viewer.get("/orchestration/executables/tasks").json()["total"] == 60
