"""Deterministic re-runs of an archive: verify, branch (what-if), compare.

All three rebuild the drill from what the archive stores: the scenario text
(maps resolved beside the original scenario file if it still exists, else the
archive's folder, else the cwd), the seed, the auto-dispatch flag and the
inputs with their sim times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drillsim.core.errors import InputError, Problem
from drillsim.exercise.inputs import Input
from drillsim.exercise.session import Session
from drillsim.record.archive import Archive, ChainResult, Divergence, base_dirs, first_divergence
from drillsim.record.recorder import Recorder
from drillsim.scenario import Scenario, load_scenario_text


def scenario_of(archive: Archive) -> Scenario:
    """The archived scenario, loaded from its stored text."""
    text = archive.scenario_text()
    if not text:
        raise InputError(Problem(str(archive.path), 1, 1,
                                 "archive holds no scenario text (recorded from a scenario built in code); "
                                 "it can be replayed but not re-run"))
    last: InputError | None = None
    for base in base_dirs(archive.meta, archive.path):
        try:
            sc = load_scenario_text(text, str(archive.meta.get("scenario_file") or "<archived scenario>"),
                                    base_dir=base)
            sp = archive.meta.get("scenario_path")
            sc.path = Path(sp) if sp else None
            return sc
        except InputError as e:
            last = e
    assert last is not None
    raise last


def new_session(archive: Archive, scenario: Scenario | None = None, inputs: list[Input] = ()) -> Session:
    sc = scenario or scenario_of(archive)
    auto_shelters = archive.meta.get("auto_shelters")
    session = Session(sc, seed=archive.meta.get("seed"), auto_dispatch=bool(archive.meta.get("auto_dispatch", True)),
                      inputs=inputs, auto_shelters=None if auto_shelters is None else bool(auto_shelters))
    recorded = archive.meta.get("duration_min")
    if recorded is not None:  # a drill cut short (run --until, serve --until) ends, with sim.end, where it did
        session.sim.duration = min(session.sim.duration, float(recorded))
    return session


@dataclass
class VerifyResult:
    chain: ChainResult
    divergence: Divergence | None = None
    events_checked: int = 0
    rerun_events: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.divergence is None


def rerun(archive: Archive, until: float | None = None) -> Session:
    """Re-apply the archive's inputs to a fresh session up to ``until`` (default: the recorded end)."""
    session = new_session(archive)
    if until is None:
        until = archive.duration
        if not archive.meta.get("complete"):
            # a cut-off recording: also run the events due at its last instant (run_until(t) stops before them)
            until = min(float(archive.meta.get("duration_min") or until), until + 1e-6)
    session.replay_inputs(archive.inputs(), until=until)
    return session


def verify(archive: Archive) -> VerifyResult:
    """Check the hash chain, then re-run the inputs and compare event by event."""
    chain = archive.verify_chain()
    if not chain.ok:
        return VerifyResult(chain)
    session = rerun(archive)
    complete = bool(archive.meta.get("complete"))
    recorded = list(archive.events())
    div = first_divergence(recorded, session.events.events, prefix_only=not complete)
    res = VerifyResult(chain, div, len(recorded), len(session.events))
    if not complete:
        res.notes.append("recording was not closed (crash or kill); compared the recorded prefix")
    return res


def branch(archive: Archive, at: float, out: str | Path, orders: list[Input] | None = None,
           scenario: Scenario | None = None) -> Session:
    """A what-if: the archive's inputs up to ``at``, then ``orders`` (those after ``at``) to the end, recorded to ``out``."""
    at = float(at)
    if Path(out).resolve() == archive.path.resolve():
        raise InputError(Problem(str(out), 1, 1, "the branch must be written to a new file, not over its parent"))
    before = [i for i in archive.inputs() if i.t <= at]
    after = [i for i in (orders or []) if i.t > at]
    session = new_session(archive, scenario)
    rec = Recorder(session, out, parent=str(archive.path.resolve()), branch_at=at,
                   extra_meta={"parent_sha256": archive.meta.get("scenario_sha256"),
                               "parent_digest": archive.meta.get("digest")})
    try:
        session.replay_inputs(before, until=at)
        session.pending = sorted(after, key=lambda i: i.t)
        session.run()
    finally:
        rec.close()
    return session


def compare(a: Archive, b: Archive) -> dict[str, Any]:
    """KPIs side by side and where the two event streams first differ."""
    from drillsim.exercise.scoring import score

    ka, kb = a.kpis(), b.kpis()
    ka, kb = {"score": score(ka)["score"], **ka}, {"score": score(kb)["score"], **kb}
    div = first_divergence(a.events(), b.events())
    rows = []
    for k in list(ka) + [k for k in kb if k not in ka]:
        va, vb = ka.get(k), kb.get(k)
        delta = None
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)) and not isinstance(va, bool):
            delta = round(vb - va, 4)
        rows.append({"kpi": k, "a": va, "b": vb, "delta": delta})
    first = None
    if div is not None:
        times = [e.t for e in (div.expected, div.got) if e is not None]
        first = {"seq": div.seq, "t": min(times) if times else None,
                 "a": None if div.expected is None else {"type": div.expected.type, "t": div.expected.t},
                 "b": None if div.got is None else {"type": div.got.type, "t": div.got.t}}
    return {"a": str(a.path), "b": str(b.path), "kpis": rows, "first_divergence": first,
            "identical": div is None, "events": {"a": a.event_count, "b": b.event_count},
            "b_parent": b.meta.get("parent"), "b_branch_at": b.meta.get("branch_at")}
