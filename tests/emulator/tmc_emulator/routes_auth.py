"""``POST /security/oauth/token``: service-account tokens (client credentials)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from tmc_emulator.auth import decode_basic
from tmc_emulator.bodies import TOKEN_REQUEST, check_fields, json_object
from tmc_emulator.errors import ApiError
from tmc_emulator.runtime import runtime

blueprint = Blueprint("auth", __name__)


def expected_audiences(configured, host_url: str) -> list[str]:
    """Audiences accepted: the configured value(s), else the base URL the client used.

    :param configured: ``None``, a string or a list of strings.
    :param host_url: ``request.host_url`` (with trailing slash).
    """
    if configured:
        values = [configured] if isinstance(configured, str) else list(configured)
    else:
        values = [host_url]
    return [v.rstrip("/") for v in values]


@blueprint.post("/security/oauth/token")
def oauth_token():
    """Exchange ``Basic base64(id:secret)`` + ``{audience, grant_type}`` for a bearer token.

    200 ``{access_token, token_type: "Bearer", expires_in}``; 401 on a bad id/secret,
    an audience of another region, or a body that is not ``{audience, grant_type:
    client_credentials}`` (the spec declares only 200, 401, 403 and 500 here, no 400);
    403 for a disabled account.
    """
    rt = runtime()
    client_id, secret = decode_basic(request.headers.get("Authorization"))
    body = check_fields(json_object("TokenRequest", status=401), TOKEN_REQUEST,
                        required=("audience", "grant_type"), status=401)
    missing = [k for k in ("audience", "grant_type") if not body[k]]
    if missing:
        raise ApiError(401, f"Missing required field(s): {', '.join(missing)}", "Unauthorized")
    if body["grant_type"] != "client_credentials":
        raise ApiError(401, f"Unsupported grant_type '{body['grant_type']}': use client_credentials",
                       "Unauthorized")
    with rt.lock:
        account = rt.credentials.check_client(client_id, secret)
        accepted = expected_audiences(rt.config["audience"], request.host_url)
        if body["audience"].rstrip("/") not in accepted:
            raise ApiError(
                401,
                f"Service not found: {body['audience']}. The audience must be the API URL of the "
                f"region of your account ({accepted[0]}): wrong region?",
                "Unauthorized")
        lifetime = int(rt.config["token_lifetime_seconds"])
        token = rt.credentials.issue_token(account, body["audience"].rstrip("/"),
                                           rt.clock.now_ms(), lifetime)
    return jsonify({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": str(lifetime) if rt.config["expires_in_as_string"] else lifetime,
    })
