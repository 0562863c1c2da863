"""World layer: the road graph with live state, the router, and live places."""

from drillsim.world.network import RoadNetwork, RoadStatus
from drillsim.world.router import Route, Router
from drillsim.world.world import World

__all__ = ["RoadNetwork", "RoadStatus", "Route", "Router", "World"]
