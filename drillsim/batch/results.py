"""The results table: one row per finished run, kept on disk as Parquet or CSV.

The file is rewritten whole into a temporary file next to it and renamed over the
old one (an atomic replace), at most every :data:`SAVE_EVERY_S` seconds and when
the batch ends or is interrupted, so a crash never leaves a half-written file and
loses at most the last moments' runs. A row carries ``batch_key``: a hash of
everything that determines the run except the seed (the variant's scenario,
orders, ``--until``, auto-dispatch), so ``--resume`` reuses exactly the rows that
the same batch would compute again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr

FORMATS = (".parquet", ".csv")
SAVE_EVERY_S = 0.5
HEAD = ("variant", "variant_index", "run", "seed", "batch_key")
TAIL = ("digest", "events", "sim_minutes", "wall_s", "cpu_s")
TEXT = ("variant", "batch_key", "digest")
"""Columns read back from CSV as text as they are (a hex digest can look like a number)."""


def batch_key(data: dict[str, Any], inputs: Any, until: float | None, auto: bool) -> str:
    blob = json.dumps({"scenario": data, "inputs": [i.to_dict() for i in inputs], "until": until,
                       "auto": auto}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def flatten(kpis: dict[str, Any]) -> dict[str, Any]:
    """KPI dict -> flat columns (``score_components.rescue``, ``supplies_loaded_by_tier.县``)."""
    out: dict[str, Any] = {}
    for k, v in kpis.items():
        if k.startswith("_"):
            continue
        if isinstance(v, dict):
            for sub, x in v.items():
                out[f"{k}.{sub}"] = x
        else:
            out[k] = v
    return out


def check_path(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise InputError(Problem(str(path), 1, 1, tr(
            "结果文件须以 .parquet 或 .csv 结尾", "the results file must end in .parquet or .csv")))
    if not path.parent.exists():
        raise InputError(Problem(str(path), 1, 1, tr("所在文件夹不存在", "its folder does not exist")))
    if path.is_dir():
        raise InputError(Problem(str(path), 1, 1, tr("是文件夹，应为文件名", "is a folder, expected a file name")))
    if not os.access(path.parent, os.W_OK):
        raise InputError(Problem(str(path), 1, 1, tr("所在文件夹不可写", "cannot write to its folder")))
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError(Problem(str(path), 1, 1, tr(
                "写 Parquet 需要 pyarrow：pip install 'drillsim[batch]'，或改用 .csv",
                "Parquet needs pyarrow: pip install 'drillsim[batch]', or write .csv"))) from None


class ResultsFile:
    def __init__(self, path: Path, rows: list[dict[str, Any]] | None = None) -> None:
        self.path = Path(path)
        self.rows: list[dict[str, Any]] = list(rows or [])
        self._columns: dict[str, None] = dict.fromkeys(HEAD)
        for r in self.rows:
            self._columns.update(dict.fromkeys(r))
        self._saved_at = 0.0
        self._dirty = False

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self._columns.update(dict.fromkeys(row))
        self._dirty = True
        if time.monotonic() - self._saved_at >= SAVE_EVERY_S:
            self.save()

    @property
    def columns(self) -> list[str]:
        mid = [c for c in self._columns if c not in HEAD and c not in TAIL]
        return list(HEAD) + mid + [c for c in TAIL if c in self._columns]

    def save(self) -> None:
        cols = self.columns
        rows = sorted(self.rows, key=lambda r: (r["variant_index"], r["run"]))
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            if self.path.suffix.lower() == ".csv":
                with open(tmp, "w", encoding="utf-8", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=cols, restval="")
                    w.writeheader()
                    for r in rows:
                        w.writerow({k: "" if v is None else v for k, v in r.items()})
                    f.flush()
                    os.fsync(f.fileno())
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in rows])
                pq.write_table(table, tmp)
            os.replace(tmp, self.path)
        finally:
            if tmp.exists():
                tmp.unlink()
        self._saved_at = time.monotonic()
        self._dirty = False

    def flush(self) -> None:
        if self._dirty:
            self.save()

    @classmethod
    def load(cls, path: Path) -> ResultsFile:
        """Read a results file written by a batch (for ``--resume``)."""
        try:
            if path.suffix.lower() == ".csv":
                with open(path, encoding="utf-8", newline="") as f:
                    reader = csv.DictReader(f)
                    columns = list(reader.fieldnames or [])
                    rows = [{k: v if k in TEXT else _cell(v) for k, v in r.items()} for r in reader]
            else:
                import pyarrow.parquet as pq

                table = pq.read_table(path)
                columns, rows = table.column_names, table.to_pylist()
        except Exception as e:  # noqa: BLE001 - any unreadable file is the user's to fix
            raise InputError(Problem(str(path), 1, 1, tr(
                f"无法读取已有结果（{type(e).__name__}: {e}）；换一个 -o 文件或加 --force 重新开始",
                f"cannot read the existing results ({type(e).__name__}: {e}); "
                f"choose another -o file or add --force to start over"))) from None
        if not all(k in columns for k in HEAD):
            raise InputError(Problem(str(path), 1, 1, tr(
                "不是 drillsim batch 的结果文件；换一个 -o 文件或加 --force 覆盖",
                "not a drillsim batch results file; choose another -o file or add --force to overwrite")))
        for r in rows:
            for k in ("variant_index", "run", "seed"):
                r[k] = int(r[k])
        return cls(path, rows)


def _cell(text: str) -> Any:
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text
