"""Which reports are incidents: the one rule every count, list and chart of incidents uses.

An ``incident.new`` event is a *report* (from a hazard, the scenario, an inject or an order).
It is an **incident** when the task board made at least one task for responders from it
(a ``task.new`` event naming it, at the same sim minute). A report that gave no task is not
an incident, anywhere:

- a second evacuation call for a community that is already being evacuated (a flood, a fire
  or a plume reaching it after an order moved its people): the board merges it into the
  evacuation under way, which is the incident;
- a second call to clear a road that already has an open clearing task (two hazards closing
  the same road, or a road reopened by an order and closed again while its task is open): the
  board merges it into the clearing under way (the team reopens the road whatever closed it);
- a shelter need alone (``needs: {shelter: {community, people}}``): those people walk to an
  open shelter on their own (:mod:`drillsim.response.displaced`); what counts them is the
  displacement measures (``people_displaced``, ``people_sheltered``), not the incident ones;
- a need the board cannot act on (a road that is not on the map).

So "incidents", "resolved" and "not reached" in the KPIs, the open-incidents curve and the
problems list of the report, ``drillsim replay``'s header, the replayed map, the networked
seat's map and the GUI's incident queue all count the same set. Two forms of the rule, one
meaning: :func:`is_incident` on the tasks the live board made for a report, and
:class:`IncidentLedger` on the event stream (what replays, reports and KPI trackers read).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from drillsim.core.events import Event


def is_incident(tasks: Collection[Any]) -> bool:
    """The rule, on the tasks the board made for one report: an incident iff there is at least one."""
    return len(tasks) > 0


def report_id(rid: Any, known: Collection[str]) -> str:
    """The id a report goes by: its own, or ``ID#n`` when an earlier report had it (``n``: the reports
    so far, rejected ones not counted). ``known``: the ids given so far. The board names reports so
    (their tasks and later events carry that id); readers of the event stream name them the same way."""
    rid = str(rid)
    return f"{rid}#{len(known)}" if rid in known else rid


class IncidentLedger:
    """Incidents from the event stream alone (:func:`is_incident` as events say it).

    Its state is plain data (str -> float dicts and a set of str), so a KPI tracker that is a
    ledger can be dumped into an archive snapshot as it is. Attribute names are those the KPI
    tracker has always had (older snapshots restore into them).
    """

    def __init__(self) -> None:
        self.incidents: dict[str, float] = {}
        """Every report by id -> sim minute reported (incidents and reports that gave no task)."""
        self.tasked: set[str] = set()
        """Reports the board made a task for: the incidents."""
        self.first_response: dict[str, float] = {}
        """Incident -> minutes from its report to the first unit on site."""
        self.resolved: dict[str, float] = {}
        """Incident -> minutes from its report to its last task done."""

    def consume_incident(self, ev: Event) -> int:
        """Take one event; returns the change in the number of open incidents (+1, -1 or 0).

        An incident opens with its first task (the minute it was reported) and closes when
        resolved. Events other than ``incident.*`` and ``task.new`` are ignored.
        """
        ty, d = ev.type, ev.data
        if ty == "task.new":
            iid = str(d.get("incident"))
            if iid in self.tasked:
                return 0
            self.tasked.add(iid)
            return 0 if iid in self.resolved else 1
        if ty == "incident.new":
            self.incidents[report_id(d["id"], self.incidents)] = ev.t
        elif ty == "incident.rejected":
            self.incidents.pop(str(d.get("id")), None)
        elif ty == "incident.first_response":
            self.first_response.setdefault(str(d["incident"]), float(d["minutes"]))
        elif ty == "incident.resolved":
            iid = str(d["incident"])
            if iid in self.resolved:
                return 0
            self.resolved[iid] = float(d["minutes"])
            return -1 if iid in self.tasked else 0
        return 0

    def is_incident(self, iid: str) -> bool:
        """Whether report ``iid`` is an incident (so far: its tasks come at the minute it is reported)."""
        return iid in self.tasked

    def incident_ids(self) -> list[str]:
        """The incidents, in the order they were reported."""
        return [i for i in self.incidents if i in self.tasked]

    def incident_counts(self) -> dict[str, int]:
        """``incidents``, ``incidents_resolved``, ``incidents_unreached`` (no unit on site yet) and
        ``incidents_open`` (not resolved yet)."""
        resolved = len(self.tasked.intersection(self.resolved))
        return {"incidents": len(self.tasked), "incidents_resolved": resolved,
                "incidents_unreached": len(self.tasked.difference(self.first_response)),
                "incidents_open": len(self.tasked) - resolved}
