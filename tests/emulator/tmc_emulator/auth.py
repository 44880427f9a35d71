"""Credentials: personal access tokens, service accounts and the tokens issued to them.

A *principal* is the dict the routes see for the caller::

    {"name": "ops.admin@example.com", "userType": "HUMAN" | "SERVICE",
     "roles": ["TMC_OPERATOR", ...], "workspacePermissions": {"<workspace id>" | "*": "AUTHOR" | "VIEWER"}}

Pausing needs ``TMC_OPERATOR`` plus ``AUTHOR`` on the workspace [S].
Issued service-account tokens are JWT-shaped, live ``token_lifetime_seconds``
on the emulator clock, and are only kept in memory.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import threading
import uuid

from tmc_emulator.errors import ApiError

OPERATOR_ROLE = "TMC_OPERATOR"


class Credentials:
    """PATs and service accounts of the data file plus issued tokens.

    :param pats: ``[{"token", "user", "roles", "workspacePermissions"}]``.
    :param service_accounts: ``[{"id", "secret", "name", "roles", "workspacePermissions", "enabled"}]``.
    """

    def __init__(self, pats: list[dict], service_accounts: list[dict]) -> None:
        self._lock = threading.Lock()
        self._key = os.urandom(32)
        self._pats: dict[str, dict] = {}
        for pat in pats:
            self._pats[pat["token"]] = _principal(pat.get("user", "user"), "HUMAN", pat)
        self._accounts: dict[str, dict] = {sa["id"]: sa for sa in service_accounts}
        self._issued: dict[str, dict] = {}
        self._revoked_pats: set[str] = set()

    # -- service-account tokens ------------------------------------------------------------
    def check_client(self, client_id: str, secret: str) -> dict:
        """The service account for ``client_id``/``secret``.

        :raises ApiError: 401 on a bad id or secret, 403 when the account is disabled.
        """
        account = self._accounts.get(client_id)
        if account is None or not hmac.compare_digest(str(account.get("secret", "")), secret):
            raise ApiError(401, "The ClientId or Secret is missing or invalid", "Unauthorized")
        if account.get("enabled", True) is False:
            raise ApiError(403, "The account provided does not have the required permissions",
                           "Forbidden")
        return account

    def issue_token(self, account: dict, audience: str, now_ms: int, lifetime_s: int) -> str:
        """Create a JWT-shaped access token for ``account`` valid ``lifetime_s`` seconds."""
        iat = now_ms // 1000
        header = {"alg": "HS256", "typ": "JWT"}
        payload = {"iss": "tmc-emulator", "sub": account["id"], "aud": audience,
                   "iat": iat, "exp": iat + lifetime_s, "jti": str(uuid.uuid4())}
        signing = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
        sig = _b64(hmac.new(self._key, signing.encode(), hashlib.sha256).digest())
        token = signing + "." + sig
        principal = _principal(account.get("name", account["id"]), "SERVICE", account)
        with self._lock:
            if len(self._issued) > 5000:
                self._issued = {k: v for k, v in self._issued.items() if v["expires_ms"] > now_ms}
            self._issued[token] = {"principal": principal, "expires_ms": now_ms + lifetime_s * 1000}
        return token

    def expire_all(self, now_ms: int, include_pats: bool = False) -> int:
        """Make every issued token expired at ``now_ms``; optionally revoke the PATs too.

        :returns: how many issued tokens were still valid.
        """
        with self._lock:
            alive = 0
            for record in self._issued.values():
                if record["expires_ms"] > now_ms:
                    alive += 1
                    record["expires_ms"] = now_ms
            if include_pats:
                self._revoked_pats.update(self._pats)
        return alive

    def counts(self, now_ms: int) -> dict:
        """``{"issued", "valid", "personalAccessTokens", "serviceAccounts"}`` counts."""
        with self._lock:
            valid = sum(1 for r in self._issued.values() if r["expires_ms"] > now_ms)
            return {"issued": len(self._issued), "valid": valid,
                    "personalAccessTokens": len(self._pats),
                    "serviceAccounts": len(self._accounts)}

    # -- bearer authentication ----------------------------------------------------------
    def authenticate(self, authorization: str | None, now_ms: int) -> dict:
        """The principal of an ``Authorization`` header value.

        :raises ApiError: 401 when missing, malformed, unknown or expired.
        """
        if not authorization:
            raise ApiError(401, "Token authorization is required for access")
        scheme, dummy, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "Bearer token authorization is required for access")
        pat = self._pats.get(token)
        if pat is not None:
            if token in self._revoked_pats:
                raise ApiError(401, "The personal access token has been revoked")
            return pat
        with self._lock:
            record = self._issued.get(token)
        if record is None:
            raise ApiError(401, "Invalid token")
        if now_ms >= record["expires_ms"]:
            raise ApiError(401, "Token expired")
        return record["principal"]


def permission_of(principal: dict, workspace_id: str) -> str | None:
    """``"AUTHOR"``, ``"VIEWER"`` or ``None``: the principal's right on a workspace."""
    perms = principal["workspacePermissions"]
    return perms.get(workspace_id) or perms.get("*")


def can_see(principal: dict, workspace_id: str) -> bool:
    """Whether the principal may read objects of the workspace."""
    return permission_of(principal, workspace_id) is not None


def visible_workspaces(principal: dict, all_ids) -> set[str] | None:
    """Workspace ids the principal may read, ``None`` meaning all of them."""
    perms = principal["workspacePermissions"]
    if "*" in perms:
        return None
    return {ws for ws in all_ids if ws in perms}


def require_operator(principal: dict, workspace_id: str, action: str) -> None:
    """Check ``TMC_OPERATOR`` plus workspace ``AUTHOR``.

    :param action: words for the error message, e.g. ``"pause task 5f3..."``.
    :raises ApiError: 403 naming the missing permission, as the vendor does.
    """
    if OPERATOR_ROLE not in principal["roles"] or permission_of(principal, workspace_id) != "AUTHOR":
        raise ApiError(
            403,
            f"User '{principal['name']}' is not allowed to {action}: the {OPERATOR_ROLE} "
            f"permission and the AUTHOR permission on workspace {workspace_id} are required",
            "Forbidden - no permissions to access resource",
        )


def decode_basic(authorization: str | None) -> tuple[str, str]:
    """``(client_id, secret)`` of a ``Basic`` header.

    :raises ApiError: 401 when missing or malformed.
    """
    if not authorization:
        raise ApiError(401, "The ClientId or Secret is missing or invalid")
    scheme, dummy, value = authorization.strip().partition(" ")
    if scheme.lower() != "basic" or not value:
        raise ApiError(401, "Basic authorization with the service account id and secret is required")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(401, "The ClientId or Secret is missing or invalid") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise ApiError(401, "The ClientId or Secret is missing or invalid")
    return client_id, secret


def _principal(name: str, user_type: str, source: dict) -> dict:
    return {
        "name": name,
        "userType": user_type,
        "roles": list(source.get("roles", [OPERATOR_ROLE])),
        "workspacePermissions": dict(source.get("workspacePermissions", {"*": "AUTHOR"})),
    }


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
