"""Real maps: import OpenStreetMap roads and places and DEM elevation into a DrillSim map folder."""
