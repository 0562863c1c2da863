"""Named plan alternatives: ``--variants FILE.yaml``, each a set of changes made together.

``--vary`` crosses every value of every key; a planner comparing whole plans wants
a few named alternatives instead::

    variants:
      - name: {zh: 现行预案, en: current plan}
      - name: {zh: 增派大巴, en: three more buses}
        set: {units.bus.count: +3}
      - name: {zh: 加强物资与搜救, en: more tents and a second USAR team}
        set: {places.dep_county.stock.tent: +500, units.quake.count: +1}

Keys and values mean what they mean in ``--vary`` (one value each). A value is
read as written, so ``+3`` adds 3 (YAML itself would read it as the number 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from drillsim.batch.variants import Change, parse_value
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr
from drillsim.scenario.loader import read_text
from drillsim.scenario.model import text as bilingual


@dataclass(frozen=True)
class Plan:
    name: tuple[tuple[str, str], ...]
    """The plan's name as (("zh", ...), ("en", ...)) (hashable)."""
    changes: tuple[Change, ...]
    file: str = ""
    where: tuple[tuple[int, int], ...] = ()
    """(line, column) of each change's value in ``file``."""

    @property
    def text(self) -> dict[str, str]:
        return dict(self.name)


def load_plans(path: str | Path) -> list[Plan]:
    path = Path(path)
    file = str(path)
    src = read_text(path)
    try:
        root = yaml.compose(src, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InputError(Problem(file, line, col, f"YAML: {getattr(e, 'problem', e)}")) from None

    def bad(node: yaml.Node | None, zh: str, en: str) -> InputError:
        m = node.start_mark if node is not None else None
        return InputError(Problem(file, m.line + 1 if m else 1, m.column + 1 if m else 1, tr(zh, en)))

    items = _get(root, "variants")
    if not isinstance(items, yaml.SequenceNode) or not items.value:
        raise bad(root, "应有非空列表 variants:，见 docs/batch.md",
                  "expected a non-empty 'variants:' list, see docs/batch.md")
    plans, names = [], set()
    for item in items.value:
        if not isinstance(item, yaml.MappingNode):
            raise bad(item, "每个方案是一个映射：{name: ..., set: {KEY: VALUE, ...}}",
                      "each variant is a mapping: {name: ..., set: {KEY: VALUE, ...}}")
        for k, _ in item.value:
            if k.value not in ("name", "set"):
                raise bad(k, f"未知键 “{k.value}”；方案只有 name 和 set", f"unknown key {k.value!r}; a variant has name and set")
        name_node = _get(item, "name")
        if name_node is None:
            raise bad(item, "方案缺少 name", "the variant has no name")
        name = bilingual(yaml.safe_load(yaml.serialize(name_node)))
        if (name["zh"], name["en"]) in names:
            raise bad(name_node, f"方案名称重复：{name['zh']}", f"two variants are named {name['en']!r}")
        names.add((name["zh"], name["en"]))
        changes, where = [], []
        sets = _get(item, "set")
        if sets is not None:
            if not isinstance(sets, yaml.MappingNode):
                raise bad(sets, "set 应为 {KEY: VALUE, ...}", "set must be a mapping {KEY: VALUE, ...}")
            for k, v in sets.value:
                if not isinstance(v, yaml.ScalarNode) or not str(k.value).strip():
                    raise bad(v, f"{k.value}：应为单个值，如 +3、x1.5、1200",
                              f"{k.value}: expected one value such as +3, x1.5, 1200")
                try:
                    op, value = parse_value(v.value)
                except (ValueError, yaml.YAMLError) as e:
                    raise bad(v, f"{k.value}：{e}", f"{k.value}: {e}") from None
                changes.append(Change(str(k.value).strip(), op, value, v.value.strip()))
                where.append((k.start_mark.line + 1, k.start_mark.column + 1))
        plans.append(Plan(tuple(name.items()), tuple(changes), file, tuple(where)))
    return plans


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None
