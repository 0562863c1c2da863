"""Errors that carry a location, so the CLI can print FILE:LINE:COL: message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class InputError(Exception):
    """Bad user input (scenario, orders, archive). Holds one or more problems; exit code 2."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = "<input>") -> None:
        if isinstance(problems, str):
            problems = [Problem(file, 1, 1, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
