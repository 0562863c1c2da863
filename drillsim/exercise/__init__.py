"""Exercise layer: a drill session (clock, roles, inputs) over the simulation."""
