"""DrillSim: a desktop simulator for emergency-management drills (应急演练 / 桌面推演).

The engine (everything but :mod:`drillsim.gui`) runs headless and never imports Qt.
"""

__version__ = "0.1.0"
