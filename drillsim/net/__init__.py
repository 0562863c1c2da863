"""Networked joint exercise: the director's authoritative server and the seats that join it.

Sits above record/exercise (it runs one session and records one archive) and below the CLI and
GUI. Messages follow the versioned schema in docs/net-protocol.md.
"""
