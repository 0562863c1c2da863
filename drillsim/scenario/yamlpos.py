"""YAML parsing that remembers where every key and value came from.

``parse(text)`` returns plain Python data plus a map from a JSON path
(tuple of keys and list indices) to its (line, col), both 1-based, so that every
problem can be reported as ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    pass


def parse(text: str) -> tuple[Any, dict[Path_, tuple[int, int]]]:
    """Parse one YAML document; raise ``yaml.YAMLError`` with a mark on bad syntax."""
    positions: dict[Path_, tuple[int, int]] = {}
    node = yaml.compose(text, Loader=_Loader)
    if node is None:
        return None, positions
    loader = _Loader("")

    def walk(n: yaml.Node, path: Path_) -> Any:
        positions[path] = (n.start_mark.line + 1, n.start_mark.column + 1)
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for k, v in n.value:
                key = loader.construct_object(k, deep=True)
                if isinstance(key, (list, dict)):
                    key = str(key)
                positions[path + (("key", key),)] = (k.start_mark.line + 1, k.start_mark.column + 1)
                out[key] = walk(v, path + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, path + (i,)) for i, v in enumerate(n.value)]
        return loader.construct_object(n, deep=True)

    return walk(node, ()), positions


def position(positions: dict[Path_, tuple[int, int]], path: Path_, key: bool = False) -> tuple[int, int]:
    """Best-known position of ``path``: the key itself if asked, else the nearest ancestor."""
    path = tuple(path)
    if key and path:
        k = path[:-1] + (("key", path[-1]),)
        if k in positions:
            return positions[k]
    while path not in positions and path:
        path = path[:-1]
    return positions.get(path, (1, 1))
