# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Optional on-disk cache of service account tokens, shared by the processes of one user.

Many tasks of one play run in separate processes; without this cache each of them asks
``POST /security/oauth/token`` for its own token. The cache is off unless asked for.

Layout: one JSON file per (API base URL, service account id) in a per-user directory
(mode 0700), file mode 0600, written atomically (temporary file + ``os.replace``).
The file name is a SHA-256 of the base URL and the account id; the secret is never part
of the name nor of the content. The content is
``{"format": 1, "audience": <base URL>, "access_token": str, "issued_at": float, "expires_at": float}``
(epoch seconds). A file that is not owned by the current user, is readable by others,
or cannot be parsed is ignored (and removed when it is ours).

Beside each entry, ``<key>.lock`` (empty, mode 0600): a process holds an exclusive ``flock`` on it
from reading the entry to storing the token it fetched (:meth:`TokenCache.lock`), so that processes
started together with one account fetch one token, not one each.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import stat

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_files import (
    ensure_private_directory,
    write_atomically,
)

FORMAT = 1
DIR_NAME = "talend_ops_cloud"
_KEY_PREFIX = b"talend_ops.cloud token cache v1\n"


def default_cache_dir() -> str:
    """Per-user cache directory: ``$XDG_CACHE_HOME/talend_ops_cloud``, else ``~/.cache/talend_ops_cloud``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, DIR_NAME)


def cache_key(base_url: str, client_id: str) -> str:
    """Hex SHA-256 naming the cache entry of one account on one API host (never uses the secret).

    :param base_url: API base URL (the token's audience), e.g. ``https://api.eu.cloud.talend.com``.
    :param client_id: service account id.
    """
    digest = hashlib.sha256(_KEY_PREFIX + base_url.encode("utf-8") + b"\n" + client_id.encode("utf-8"))
    return digest.hexdigest()


class TokenCacheError(Exception):
    """The cache directory or a file cannot be used safely (the caller goes on without the cache)."""


class CacheLock:
    """An exclusive ``flock`` held on an entry's lock file until :meth:`release` (also a context manager).

    :param fd: open file descriptor of the lock file, already locked.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def release(self) -> None:
        """Unlock and close (idempotent); closing alone would unlock as well."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> "CacheLock":
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


class TokenCache:
    """Per-user on-disk store of service account tokens.

    Unsafe or unusable places raise :class:`TokenCacheError`; ``_tmc_auth.ServiceAccountToken``
    turns it into a warning and goes on without the cache.

    :param directory: cache directory (str); ``None`` → :func:`default_cache_dir`. Created with
        mode 0700 when missing; an existing one must belong to the current user, and is narrowed to
        0700 when group or others may access it.
    """

    def __init__(self, directory: str | None = None) -> None:
        self.directory = os.path.abspath(os.path.expanduser(directory or default_cache_dir()))
        self._checked = False

    def path_for(self, base_url: str, client_id: str) -> str:
        """File path of the entry of ``(base_url, client_id)``."""
        return os.path.join(self.directory, cache_key(base_url, client_id) + ".json")

    def lock(self, base_url: str, client_id: str) -> CacheLock:
        """Wait for and take the exclusive lock of the entry of ``(base_url, client_id)``.

        Hold it from :meth:`load` to :meth:`store`: the others wait, then find the stored token.
        It waits as long as the holder's token request lasts (its timeout and retries at most);
        a holder that dies releases it with its file descriptors.

        :returns: :class:`CacheLock` to release.
        :raises TokenCacheError: the directory or the lock file is not private to the current user.
        """
        self._ensure_directory()
        path = self.path_for(base_url, client_id)[: -len(".json")] + ".lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise TokenCacheError("cannot open token cache lock %s: %s" % (path, exc.strerror)) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            os.close(fd)
            raise TokenCacheError("token cache lock %s is not a private file of the current user (mode 0600 "
                                  "expected); remove it" % path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(fd)
            raise TokenCacheError("cannot lock token cache lock %s: %s" % (path, exc.strerror)) from None
        return CacheLock(fd)

    def load(self, base_url: str, client_id: str) -> dict | None:
        """The cached entry ``{"access_token", "issued_at", "expires_at"}``, or None when there is none.

        An entry that is corrupt or of another audience is removed and None is returned.
        Expiry is the caller's decision.

        :raises TokenCacheError: the directory or the file is not private to the current user.
        """
        self._ensure_directory()
        path = self.path_for(base_url, client_id)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenCacheError("cannot read token cache file %s: %s" % (path, exc.strerror)) from None
        with os.fdopen(fd, "r", encoding="utf-8") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
                raise TokenCacheError(
                    "token cache file %s is not a private file of the current user (mode 0600 expected); "
                    "remove it" % path
                )
            try:
                entry = json.load(handle)
            except ValueError:
                entry = None
        if not _valid_entry(entry, base_url):
            self._remove(path)
            return None
        return {"access_token": entry["access_token"], "issued_at": float(entry["issued_at"]),
                "expires_at": float(entry["expires_at"])}

    def store(self, base_url: str, client_id: str, access_token: str, issued_at: float, expires_at: float) -> None:
        """Write the entry atomically with mode 0600 (a concurrent reader sees the old or the new file).

        :param issued_at: epoch seconds when the token was received.
        :param expires_at: epoch seconds when it expires.
        :raises TokenCacheError: the directory is unsafe or cannot be written.
        """
        self._ensure_directory()
        entry = {"format": FORMAT, "audience": base_url, "access_token": access_token,
                 "issued_at": issued_at, "expires_at": expires_at}
        path = self.path_for(base_url, client_id)

        def write(handle):
            json.dump(entry, handle)
        try:
            write_atomically(path, write, mode=0o600)
        except OSError as exc:
            raise TokenCacheError("cannot write token cache file %s: %s" % (path, exc.strerror or exc)) from None

    def discard(self, base_url: str, client_id: str, access_token: str | None = None) -> None:
        """Remove the entry; with ``access_token``, only if the file still holds that token.

        Used after a 401: another process may already have stored a newer token, which is kept.
        """
        path = self.path_for(base_url, client_id)
        if access_token is not None:
            try:
                entry = self.load(base_url, client_id)
            except TokenCacheError:
                return
            if entry is None or entry["access_token"] != access_token:
                return
        self._remove(path)

    def _ensure_directory(self) -> None:
        if self._checked:
            return
        try:
            ensure_private_directory(self.directory)
        except OSError as exc:
            raise TokenCacheError("cannot use token cache directory %s: %s; choose another token_cache_dir"
                                  % (self.directory, exc.strerror or exc)) from None
        self._checked = True

    @staticmethod
    def _remove(path: str) -> None:
        try:
            os.unlink(path)
        except OSError:
            pass


def _valid_entry(entry, base_url: str) -> bool:
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("audience") != base_url:
        return False
    token = entry.get("access_token")
    if not isinstance(token, str) or not token:
        return False
    for key in ("issued_at", "expires_at"):
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
    return True
