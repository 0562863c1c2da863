"""The one drill a server runs: a Session from a scenario (or continuing an archive), recorded.

The server records through the same :class:`~drillsim.record.recorder.Recorder` as
``drillsim run --record`` and the desktop app, so ``drillsim verify`` / ``replay``
work on a networked drill's archive unchanged. Serving an archive continues it: its
inputs are re-applied up to its end (like ``drillsim branch``) into a new archive
whose ``parent`` is the old one, and the drill goes on live from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drillsim.exercise.session import Session
from drillsim.record.archive import SQLITE_MAGIC, Archive
from drillsim.record.recorder import Recorder
from drillsim.record.rerun import new_session
from drillsim.scenario import load_scenario


@dataclass
class Drill:
    session: Session
    recorder: Recorder
    source: Path
    archive: Path


def is_archive(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def open_drill(source: str | Path, record: str | Path, seed: int | None = None, until: float | None = None,
               auto_dispatch: bool = True) -> Drill:
    """Load ``source`` (scenario YAML or .drill archive) and start recording into ``record``."""
    source, record = Path(source), Path(record)
    if is_archive(source):
        with Archive.open(source) as arc:
            session = new_session(arc)
            end = arc.duration
            session.sim.duration = float(session.scenario.meta.duration_min)  # it goes on past the cut
            _cut(session, until)
            inputs = arc.inputs()
            rec = Recorder(session, record, parent=str(source.resolve()), branch_at=end,
                           extra_meta={"parent_digest": arc.meta.get("digest"), "networked": True})
            session.replay_inputs(inputs, until=end)
    else:
        scenario = load_scenario(source)
        session = Session(scenario, seed=seed, auto_dispatch=auto_dispatch)
        _cut(session, until)
        rec = Recorder(session, record, scenario_path=source, extra_meta={"networked": True})
    rec.state.xy = (session.sim.world.net.x, session.sim.world.net.y)  # seat views carry unit positions
    return Drill(session, rec, source, record)


def _cut(session: Session, until: float | None) -> None:
    """End the drill at sim minute ``until`` (before recording starts: the archive keeps the duration)."""
    if until is not None:
        session.sim.duration = min(session.sim.duration, max(session.now, float(until)))
