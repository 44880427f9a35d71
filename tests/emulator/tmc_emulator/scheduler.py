"""Scheduled runs started as the emulator clock passes them (config ``scheduler: true``).

Off by default: the emulator's runs are then only those of the data, the history and
the ones started through the API. With ``scheduler`` on, every occurrence of a task's or
plan's trigger that the clock passes from the moment it was turned on starts a
``SCHEDULED`` run (``userId`` ``scheduler``), unless the task or plan is paused at that
moment: pausing discards every new run request [S]. The check happens before every
request the emulator answers (admin ones included), so a pause or resume (a request)
always falls between the occurrences before it and those after it, even when the
clock jumps. A run lasts the record's typical duration (``minutes`` of its
``executionHistory`` entry, else ``default_run_seconds``) after
``default_dispatch_seconds``, and ends ``default_final_status``, unless a
``run_outcome_ids`` fault names the record (:mod:`tmc_emulator.run_outcomes`).

Cost: a heap of the next occurrence of each trigger, rebuilt when a task, plan or
schedule is added or changed (about 1 s at 30,000 records), then O(log n) per run.
A moved-back clock restarts from the new time without starting anything.
"""

from __future__ import annotations

import heapq

from tmc_emulator.schedules import occurrences

LOOKAHEAD_MS = 31 * 86_400_000  # a cron without an occurrence this far is looked at again then


class Scheduler:
    """Next occurrences of every trigger, fired as the clock passes them."""

    def __init__(self) -> None:
        self.heap: list[tuple[int, int, str, str, int]] = []  # (when, seq, kind, id, trigger index)
        self.since_ms: int | None = None
        self._built_for: tuple[int, int] | None = None  # (id(store), store.version)
        self._seq = 0
        self.started = 0

    def disable(self) -> None:
        """Forget everything: turning it on again starts from that moment."""
        self.__init__()

    def tick(self, store, now_ms: int, start_run) -> None:
        """Start the runs of every occurrence in ``(since, now_ms]`` (caller holds the store lock).

        :param start_run: ``f(kind: "TASK"|"PLAN", record, when_ms)`` starting one run.
        """
        if self.since_ms is None or now_ms < self.since_ms:
            self.since_ms = now_ms
            self._built_for = None
        if self._built_for != (id(store), store.version):
            self._rebuild(store)
        while self.heap and self.heap[0][0] <= now_ms:
            when, dummy, kind, record_id, index = heapq.heappop(self.heap)
            record = (store.tasks if kind == "TASK" else store.plans).get(record_id)
            recheck = index < 0
            index = -index - 1 if recheck else index
            if record is None or index >= len(record.get("triggers") or ()):
                continue
            if not recheck:
                key = "taskPauseDetails" if kind == "TASK" else "planPauseDetails"
                if not (store.settle(record, at_ms=when).get(key) or {}).get("pause"):
                    start_run(kind, record, when)
                    self.started += 1
            self._push(kind, record, index, when + 1)
        self.since_ms = now_ms

    def _rebuild(self, store) -> None:
        self.heap = []
        for kind, records in (("TASK", store.tasks), ("PLAN", store.plans)):
            for record in records.values():
                for index in range(len(record.get("triggers") or ())):
                    self._push(kind, record, index, self.since_ms + 1)
        heapq.heapify(self.heap)
        self._built_for = (id(store), store.version)

    def _push(self, kind: str, record: dict, index: int, from_ms: int) -> None:
        trigger = record["triggers"][index]
        nxt = next(occurrences(trigger, from_ms, from_ms + LOOKAHEAD_MS), None)
        self._seq += 1
        if nxt is not None:
            heapq.heappush(self.heap, (nxt, self._seq, kind, record["id"], index))
        elif trigger.get("type", "CRON").upper() == "CRON":
            # a cron whose next run is further than the lookahead: look again then (never fires there)
            heapq.heappush(self.heap, (from_ms + LOOKAHEAD_MS, self._seq, kind, record["id"], -index - 1))
