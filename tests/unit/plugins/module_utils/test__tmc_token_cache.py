# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the on-disk service account token cache: place, modes, atomic writes, safety checks."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_token_cache
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_token_cache import (
    TokenCache,
    TokenCacheError,
    cache_key,
    default_cache_dir,
)

BASE = "https://api.eu.cloud.talend.com"
CLIENT = "sa-id-1"
TOKEN = "cached-access-token-value"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_default_dir_is_under_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == str(tmp_path / "xdg" / "talend_ops_cloud")


def test_default_dir_falls_back_to_home_dot_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == str(tmp_path / ".cache" / "talend_ops_cloud")


def test_store_creates_a_0700_directory_and_a_0600_file(tmp_path):
    cache = TokenCache(str(tmp_path / "cache"))
    cache.store(BASE, CLIENT, TOKEN, 1000.0, 2800.0)
    assert mode(tmp_path / "cache") == 0o700
    path = cache.path_for(BASE, CLIENT)
    assert mode(path) == 0o600
    assert os.listdir(tmp_path / "cache") == [os.path.basename(path)]  # no temporary file left


def test_store_then_load_returns_the_entry(tmp_path):
    cache = TokenCache(str(tmp_path))
    cache.store(BASE, CLIENT, TOKEN, 1000.0, 2800.0)
    expected = {"access_token": TOKEN, "issued_at": 1000.0, "expires_at": 2800.0}
    assert TokenCache(str(tmp_path)).load(BASE, CLIENT) == expected


def test_file_name_is_a_hash_of_url_and_account_and_holds_no_account_id(tmp_path):
    path = TokenCache(str(tmp_path)).path_for(BASE, CLIENT)
    assert os.path.basename(path) == cache_key(BASE, CLIENT) + ".json"
    assert CLIENT not in path
    assert cache_key(BASE, CLIENT) != cache_key("https://api.us.cloud.talend.com", CLIENT)
    assert cache_key(BASE, CLIENT) != cache_key(BASE, "sa-id-2")


def test_missing_entry_loads_as_none(tmp_path):
    assert TokenCache(str(tmp_path)).load(BASE, CLIENT) is None


def test_loose_existing_directory_is_narrowed_to_0700(tmp_path):
    loose = tmp_path / "loose"
    loose.mkdir()
    os.chmod(loose, 0o777)
    TokenCache(str(loose)).store(BASE, CLIENT, TOKEN, 1.0, 2.0)
    assert mode(loose) == 0o700


def test_file_readable_by_others_is_refused(tmp_path):
    cache = TokenCache(str(tmp_path))
    cache.store(BASE, CLIENT, TOKEN, 1.0, 2.0)
    os.chmod(cache.path_for(BASE, CLIENT), 0o644)
    with pytest.raises(TokenCacheError, match="0600"):
        TokenCache(str(tmp_path)).load(BASE, CLIENT)


def test_symlinked_entry_is_refused(tmp_path):
    cache = TokenCache(str(tmp_path / "c"))
    cache.store(BASE, CLIENT, TOKEN, 1.0, 2.0)
    target = tmp_path / "elsewhere.json"
    os.replace(cache.path_for(BASE, CLIENT), target)
    os.symlink(target, cache.path_for(BASE, CLIENT))
    with pytest.raises(TokenCacheError):
        cache.load(BASE, CLIENT)


def test_corrupt_entry_is_removed_and_loads_as_none(tmp_path):
    cache = TokenCache(str(tmp_path))
    cache.store(BASE, CLIENT, TOKEN, 1.0, 2.0)
    path = cache.path_for(BASE, CLIENT)
    with open(path, "w") as handle:
        handle.write("{not json")
    assert cache.load(BASE, CLIENT) is None
    assert not os.path.exists(path)


def test_entry_written_for_another_audience_is_ignored(tmp_path):
    cache = TokenCache(str(tmp_path))
    cache.store(BASE, CLIENT, TOKEN, 1.0, 2.0)
    path = cache.path_for(BASE, CLIENT)
    with open(path) as handle:
        entry = json.load(handle)
    entry["audience"] = "https://api.us.cloud.talend.com"
    with open(path, "w") as handle:
        json.dump(entry, handle)
    assert cache.load(BASE, CLIENT) is None


def test_discard_with_a_token_keeps_a_newer_token_of_another_process(tmp_path):
    cache = TokenCache(str(tmp_path))
    cache.store(BASE, CLIENT, "newer-token", 1.0, 2.0)
    cache.discard(BASE, CLIENT, "old-token")
    assert cache.load(BASE, CLIENT)["access_token"] == "newer-token"
    cache.discard(BASE, CLIENT, "newer-token")
    assert cache.load(BASE, CLIENT) is None


def test_failed_write_keeps_the_previous_entry_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    cache = TokenCache(str(tmp_path))
    cache.store(BASE, CLIENT, "first-token", 1.0, 2.0)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_tmc_token_cache.os, "replace", broken_replace)
    with pytest.raises(TokenCacheError, match="No space left"):
        cache.store(BASE, CLIENT, "second-token", 3.0, 4.0)
    monkeypatch.undo()
    assert cache.load(BASE, CLIENT)["access_token"] == "first-token"
    assert len(os.listdir(tmp_path)) == 1


def test_directory_that_is_a_file_is_refused(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(TokenCacheError):
        TokenCache(str(not_a_dir)).store(BASE, CLIENT, TOKEN, 1.0, 2.0)


def test_the_lock_is_exclusive_between_open_files_and_released(tmp_path):
    import fcntl

    cache = TokenCache(str(tmp_path / "c"))
    lock = cache.lock(BASE, CLIENT)
    lock_path = cache.path_for(BASE, CLIENT)[:-len(".json")] + ".lock"
    assert stat.S_IMODE(os.stat(lock_path).st_mode) == 0o600
    other = os.open(lock_path, os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.release()
        lock.release()  # idempotent
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(other)


def test_a_lock_file_readable_by_others_is_refused(tmp_path):
    cache = TokenCache(str(tmp_path / "c"))
    cache.lock(BASE, CLIENT).release()
    lock_path = cache.path_for(BASE, CLIENT)[:-len(".json")] + ".lock"
    os.chmod(lock_path, 0o644)
    with pytest.raises(TokenCacheError, match="not a private file"):
        cache.lock(BASE, CLIENT)
