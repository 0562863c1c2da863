"""Core pieces every layer shares: events, seeded randomness, bundled data paths, errors."""
