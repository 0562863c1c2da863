"""Record layer: the SQLite drill archive, recording, deterministic re-run, replay, seek, branch.

No Qt here: the GUI uses :class:`Recorder` to record a live session and
:class:`Archive` (``Archive.open(path).state_at(t)``) to replay one.
"""

from drillsim.record.archive import SCHEMA_VERSION, Archive, ChainResult, Divergence
from drillsim.record.recorder import Recorder
from drillsim.record.replay_state import ReplayState

__all__ = ["SCHEMA_VERSION", "Archive", "ChainResult", "Divergence", "Recorder", "ReplayState"]
