# SPDX-License-Identifier: GPL-3.0-or-later
"""A small emulator data file whose scheduled runs around Sunday 2027-11-28 01:00-05:00 UTC are known by hand.

Used by the schedule tests of test_selection.py and test_role_plans.py: the expected sets below are worked
out from the triggers (time zones and offsets included), not from the emulator's own schedule code.
"""

from __future__ import annotations

import json

from e2ekit import SAMPLE_DATA

ENV_ID = "0000000000000000000e0001"
OTHER_ENV_ID = "0000000000000000000e0002"
WS_ID = "00000000000000000000a001"
OTHER_WS_ID = "00000000000000000000a002"
WINDOW_FROM = "2027-11-28T02:00:00+01:00"   # 01:00 UTC
WINDOW_TO = "2027-11-27T21:00:00-08:00"     # 05:00 UTC

FOREIGN = {"pause": True, "pauseContext": "Vendor outage, see INC-7", "user": "jane.doe@example.com",
           "userType": "HUMAN", "pauseDate": "2026-11-20T10:00:00.000Z"}


def _task(suffix, name, triggers, pause=None, ws=WS_ID, tags=("window",)):
    task = {"id": "0000000000000000000t%04d" % suffix, "name": name, "workspaceId": ws, "tags": list(tags),
            "triggers": triggers}
    if pause is not None:
        task["taskPauseDetails"] = pause
    return task


def _cron(expr, zone="UTC"):
    return [{"name": "%s %s" % (expr, zone), "type": "CRON", "cron": expr, "timeZone": zone}]


def _once(at):
    return [{"name": "Once " + at, "type": "ONCE", "at": at}]


TASKS = [
    _task(1, "Sunday 02:00 UTC", _cron("0 2 * * 0")),                              # 02:00Z inside
    _task(2, "Sunday 06:00 UTC", _cron("0 6 * * 0")),                              # 06:00Z outside
    _task(3, "Daily 02:30 Paris", _cron("30 2 * * *", "Europe/Paris")),            # 01:30Z inside
    _task(4, "Daily 05:30 Paris", _cron("30 5 * * *", "Europe/Paris")),            # 04:30Z inside
    _task(5, "Daily 01:00 New York", _cron("0 1 * * *", "America/New_York")),      # 06:00Z outside
    _task(6, "Saturday 20:00 New York", _cron("0 20 * * 6", "America/New_York")),  # Sun 01:00Z = start, inside
    _task(7, "Once at the end", _once("2027-11-28T05:00:00Z")),                    # = end, inside
    _task(8, "Once just after", _once("2027-11-28T05:00:01Z")),                    # outside
    _task(9, "Once just before", _once("2027-11-28T00:59:59Z")),                   # outside
    _task(10, "Never scheduled", []),                                              # outside
    _task(11, "Paused by someone else, 03:00 UTC", _cron("0 3 * * *"), pause=FOREIGN),  # inside, foreign
    _task(12, "Other environment 02:00 UTC", _cron("0 2 * * *"), ws=OTHER_WS_ID),  # inside, other environment
    _task(13, "Weekdays 03:00 Tokyo", _cron("0 3 * * 1-5", "Asia/Tokyo")),         # Mon 03:00 JST = Sun 18:00Z, outside
    _task(14, "Monday 09:00 Tokyo", _cron("0 9 * * 1", "Asia/Tokyo")),             # Mon 09:00 JST = Mon 00:00Z, outside
]
INSIDE_TASKS = {"0000000000000000000t%04d" % n for n in (1, 3, 4, 6, 7, 11)}
FOREIGN_TASKS = {"0000000000000000000t0011"}

PLANS = [
    {"id": "00000000-0000-4000-8000-00000000p001", "name": "Sunday 03:00 UTC plan", "workspaceId": WS_ID,
     "chart": {"id": "s1", "name": "Step", "taskIds": ["0000000000000000000t0010"]}, "triggers": _cron("0 3 * * 0")},
    {"id": "00000000-0000-4000-8000-00000000p002", "name": "Noon plan", "workspaceId": WS_ID,
     "chart": {"id": "s2", "name": "Step", "taskIds": ["0000000000000000000t0002"]}, "triggers": _cron("0 12 * * *")},
    {"id": "00000000-0000-4000-8000-00000000p003", "name": "Paused plan, 04:00 UTC", "workspaceId": WS_ID,
     "chart": {"id": "s3", "name": "Step", "taskIds": []}, "triggers": _cron("0 4 * * *"),
     "planPauseDetails": dict(FOREIGN, pauseContext="Plan rework")},
]
INSIDE_PLANS = {"00000000-0000-4000-8000-00000000p001", "00000000-0000-4000-8000-00000000p003"}
FOREIGN_PLANS = {"00000000-0000-4000-8000-00000000p003"}


def write_window_data(path):
    """Write the data file (credentials of the sample data) to ``path`` and return ``path`` as str."""
    sample = json.loads(SAMPLE_DATA.read_text())
    data = {
        "account": sample["account"],
        "personalAccessTokens": sample["personalAccessTokens"],
        "serviceAccounts": sample["serviceAccounts"],
        "environments": [{"id": ENV_ID, "name": "Production"}, {"id": OTHER_ENV_ID, "name": "Staging"}],
        "workspaces": [{"id": WS_ID, "name": "Ops", "environmentId": ENV_ID},
                       {"id": OTHER_WS_ID, "name": "Ops", "environmentId": OTHER_ENV_ID}],
        "tasks": TASKS,
        "plans": PLANS,
    }
    path.write_text(json.dumps(data))
    return str(path)
