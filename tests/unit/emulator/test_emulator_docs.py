"""The emulator README stays true to the sample data and the config."""

from __future__ import annotations

import re

from emulator_harness import EMULATOR_DIR, SAMPLE
from tmc_emulator.app import is_loopback
from tmc_emulator.config import DEFAULTS

README = (EMULATOR_DIR / "README.md").read_text()


def test_every_id_in_the_readme_exists_in_the_sample_data():
    known = {t["id"] for t in SAMPLE["tasks"]} | {sa["id"] for sa in SAMPLE["serviceAccounts"]}
    ids = set(re.findall(r"`([0-9a-f]{24}|[0-9a-f-]{36})`", README))
    assert ids and ids <= known, ids - known


def test_every_credential_in_the_readme_exists():
    for pat in SAMPLE["personalAccessTokens"]:
        assert f"`{pat['token']}`" in README
    for sa in SAMPLE["serviceAccounts"]:
        assert f"`{sa['secret']}`" in README


def test_every_config_key_is_documented():
    for key in DEFAULTS:
        assert f'"{key}"' in README, key


def test_only_loopback_peers_count_as_local():
    assert is_loopback("127.0.0.1") and is_loopback("127.8.9.1") and is_loopback("::1")
    assert is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("10.0.0.5") and not is_loopback("192.168.1.2") and not is_loopback(None)
