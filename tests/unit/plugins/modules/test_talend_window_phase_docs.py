# SPDX-License-Identifier: GPL-3.0-or-later
"""talend_window_phase is documentation only (its action plugin runs the engine): its documented options must be
the argument_spec the action plugin validates, name for name, type for type, default for default."""

from __future__ import annotations

import yaml

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import window_argument_spec
from ansible_collections.talend_ops.cloud.plugins.modules import talend_window_phase


def test_documented_options_match_the_argument_spec():
    documented = yaml.safe_load(talend_window_phase.DOCUMENTATION)["options"]
    spec = window_argument_spec()
    assert set(documented) == set(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert doc.get("required", False) == option.get("required", False), name
        assert doc.get("choices") == option.get("choices"), name
        if "options" in option:
            assert set(doc["suboptions"]) == set(option["options"]), name
            for sub, suboption in option["options"].items():
                assert doc["suboptions"][sub]["type"] == suboption["type"], (name, sub)
