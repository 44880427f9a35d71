"""A pause or resume answered 202 but applied late, or never (fault ``late_pause_ids``).

The spec says 202 is "Accepted (work is done in background)": a promise, not a fact.
This fault makes the emulator keep that promise late or break it, for chosen ids::

    {"late_pause_ids": ["<task or plan id>", ...], "apply_after_seconds": 30}   # emulator clock
    {"late_pause_ids": [...], "apply_after_reads": 3}    # the 4th read shows it
    {"late_pause_ids": [...], "apply": "never"}          # 202, and nothing ever changes
    ... "count": 1                                       # PUTs per id it delays (-1: until cleared)

A delayed change is *pending*: reads (task/plan detail, list items, events search,
a run request) show the old state until it is due. ``apply_after_reads: N``: the
first N reads that return the record (a detail, or a list page holding it) still
show the old state, the next one the new state. The applied details carry the time
the change was applied as ``pauseDate`` [A]. A new PUT on a record with a pending
change compares with the state shown; when it changes that state, it replaces the
pending change (and is itself delayed if the rule still has PUTs left), else it
answers 204 and the pending change stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from tmc_emulator.clock import iso_utc
from tmc_emulator.idrules import IdRules, parse_count, parse_ids


@dataclass
class LatePauseRule:
    """How PUTs on one id are delayed: after seconds, after reads, or never."""

    remaining: int
    after_seconds: float | None = None
    after_reads: int | None = None
    never: bool = False

    def describe(self) -> dict:
        """JSON view for ``GET /_emulator/faults``."""
        how = ("never" if self.never else f"after {self.after_reads} read(s)" if self.after_reads is not None
               else f"after {self.after_seconds} s")
        return {"remaining": self.remaining, "apply": how}


@dataclass
class PendingPause:
    """A 202 not applied yet: the details to write into ``record[details_key]``."""

    details_key: str
    details: dict
    due_ms: int | None
    reads_left: int | None

    def describe(self, record_id: str) -> dict:
        """JSON view for ``GET /_emulator/state`` (``pendingPauses``)."""
        out = {"id": record_id, "pause": self.details["pause"], "pauseContext": self.details.get("pauseContext")}
        if self.due_ms is not None:
            out["due"] = iso_utc(self.due_ms)
        if self.reads_left is not None:
            out["readsLeft"] = self.reads_left
        if self.due_ms is None and self.reads_left is None:
            out["never"] = True
        return out


class LatePauseRules(IdRules):
    """The ``late_pause_ids`` rules by id (thread-safe)."""

    def add(self, spec: dict) -> None:
        """Add a ``{"late_pause_ids": [...], "apply_after_seconds"|"apply_after_reads"|"apply": "never",
        "count"}`` fault.

        :raises ValueError: malformed spec.
        """
        ids = parse_ids(spec, "late_pause_ids")
        seconds, reads, apply = spec.get("apply_after_seconds"), spec.get("apply_after_reads"), spec.get("apply")
        if sum(x is not None for x in (seconds, reads, apply)) != 1:
            raise ValueError("late_pause_ids needs exactly one of apply_after_seconds, apply_after_reads "
                             "or apply: \"never\"")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                    or seconds < 0):
            raise ValueError("apply_after_seconds must be a non-negative number (emulator clock)")
        if reads is not None and (isinstance(reads, bool) or not isinstance(reads, int) or reads < 0):
            raise ValueError("apply_after_reads must be a non-negative integer")
        if apply is not None and apply != "never":
            raise ValueError("apply must be \"never\"")
        count = parse_count(spec)
        self.put(ids, lambda: LatePauseRule(count, None if seconds is None else float(seconds), reads,
                                            apply == "never"))


def pending_for(rule: LatePauseRule, details_key: str, details: dict, now_ms: int) -> PendingPause:
    """The pending change a rule makes of an accepted PUT at ``now_ms``."""
    due = None if rule.never or rule.after_seconds is None else now_ms + int(rule.after_seconds * 1000)
    reads = None if rule.never else rule.after_reads
    return PendingPause(details_key, details, due, reads)


def settle(pending: dict, record: dict, now_ms: int, read: bool = False) -> None:
    """Apply ``record``'s pending change when it is due (caller holds the store lock).

    :param pending: the store's ``{id: PendingPause}``.
    :param read: this call shows the record to a client (counts for ``apply_after_reads``).
    """
    change = pending.get(record["id"])
    if change is None:
        return
    if change.due_ms is not None and now_ms >= change.due_ms:
        _apply(pending, record, change, change.due_ms)
    elif change.reads_left is not None and read:
        if change.reads_left == 0:
            _apply(pending, record, change, now_ms)
        else:
            change.reads_left -= 1


def _apply(pending: dict, record: dict, change: PendingPause, applied_ms: int) -> None:
    details = dict(change.details, pauseDate=iso_utc(applied_ms))
    record[change.details_key] = details
    del pending[record["id"]]
