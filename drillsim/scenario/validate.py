"""Scenario checks: syntax, structure, ranges and references, each with FILE:LINE:COL.

(Minimal version; the JSON-Schema based checks extend this.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from drillsim.core.errors import Problem
from drillsim.scenario import yamlpos


def check_text(src: str, file: str, base_dir: Path) -> tuple[Any, dict, list[Problem]]:
    try:
        data, positions = yamlpos.parse(src)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = getattr(e, "problem", None) or str(e)
        return None, {}, [Problem(file, line, col, f"YAML syntax error: {msg}")]
    if data is None:
        return None, positions, [Problem(file, 1, 1, "empty file; a scenario needs at least 'meta' and 'units'")]
    if not isinstance(data, dict):
        return None, positions, [Problem(file, 1, 1, f"expected a mapping of sections (meta, map, places, units, ...), found a {type(data).__name__}")]
    problems: list[Problem] = []
    if "meta" not in data or not isinstance(data.get("meta"), dict) or "name" not in data["meta"]:
        problems.append(Problem(file, 1, 1, "missing 'meta' with a 'name'"))
    return data, positions, problems
