# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The one format of times the collection writes: ISO 8601 UTC with seconds, e.g. ``2026-11-29T01:00:00Z``."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> str:
    """Now in ISO 8601 UTC with seconds, e.g. ``2026-11-29T01:00:00Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
