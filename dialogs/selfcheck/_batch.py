"""Batch self-check: a CSV file, one organisation a row, as Chinese Excel saves it (UTF-8 with or without BOM,
or GB18030). Headers are profile keys or their Chinese labels; ``id``/``name`` are carried through. A bad cell
marks its row in the ``error`` column and the other rows are still evaluated; an unknown column rejects the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from dialogs._csv import safe_cell
from dialogs.selfcheck._cells import parse_cell
from dialogs.selfcheck._indicators import Indicators, load_indicators
from dialogs.selfcheck._rules import evaluate
from knowledge.errors import UserInputError

CARRIED = ("id", "name")
CARRIED_ALIASES = {"id": "id", "编号": "id", "序号": "id", "name": "name", "名称": "name", "机构名称": "name",
                   "单位名称": "name", "申报单位": "name"}
OUTPUT_COLUMNS = ("verdict", "verdict_label", "failed", "missing", "functions_met", "gaps", "error")
SHORT_LABELS = {"eligible": "初步符合", "ineligible": "不符合", "incomplete": "信息不全"}
Progress = Callable[[int, int], None]


@dataclass
class BatchSummary:
    rows: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    errors: int = 0

    def line(self) -> str:
        parts = [f"{SHORT_LABELS[v]} {self.verdicts[v]} 行" for v in SHORT_LABELS]
        return f"共 {self.rows} 行：{'，'.join(parts)}，出错 {self.errors} 行"


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Chinese Excel's "CSV")."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UserInputError("CSV 文件的编码无法识别：请另存为 UTF-8 或 GB18030（Excel 的“CSV（逗号分隔）”）") from exc


def header_keys(headers: Sequence[str], ind: Indicators) -> list[str | None]:
    """The key of each column (None for an empty, ignorable header). Unknown or repeated columns raise."""
    known: dict[str, str] = {k.lower(): k for k in ind.all_keys()}
    known.update({i.label: i.key for i in ind})
    known[ind.functions_label] = ind.functions_key
    known.update(CARRIED_ALIASES)
    keys: list[str | None] = []
    for position, raw in enumerate(headers, start=1):
        name = raw.strip().lstrip("\ufeff")
        key = known.get(name) or known.get(name.lower()) if name else None
        if name and key is None:
            raise UserInputError(f"CSV 第 {position} 列的表头“{name[:30]}”不是已知的指标键或中文名称，整个文件未处理",
                                 key=name)
        if key is not None and key in keys:
            raise UserInputError(f"CSV 中“{name}”与另一列指向同一指标 {key}，整个文件未处理", key=key)
        keys.append(key)
    if not any(k in ind.all_keys() for k in keys):
        raise UserInputError("CSV 表头中没有任何指标列：第一行应为指标键或中文名称（如 资产总额、用户满意度）")
    return keys


def read_rows(text: str) -> tuple[list[str], Iterator[list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = next(reader, None)
    if not headers:
        raise UserInputError("CSV 文件为空：第一行应为表头")
    return headers, reader


def evaluate_row(cells: Sequence[str], keys: Sequence[str | None], ind: Indicators,
                 today: datetime.date | None) -> dict[str, str]:
    out = {k: cells[i].strip() for i, k in enumerate(keys) if k in CARRIED and i < len(cells)}
    profile: dict[str, object] = {}
    errors: list[str] = []
    for i, cell in enumerate(cells):
        key = keys[i] if i < len(keys) else None
        if key is None or key in CARRIED:
            if key is None and cell.strip():
                errors.append(f"第 {i + 1} 列没有表头，却有内容“{cell.strip()[:20]}”")
            continue
        try:
            profile[key] = parse_cell(ind, key, cell, today=today)
        except UserInputError as exc:
            errors.append(str(exc))
    if errors:
        out["error"] = "；".join(errors)
        return out
    result = evaluate(profile, ind)
    out.update(verdict=result.verdict, verdict_label=result.verdict_label, failed=";".join(result.failed),
               missing=";".join(result.missing), functions_met=";".join(result.functions_met),
               gaps="；".join(i.gap for i in result.items if i.gap))
    return out


def run_batch(data: bytes, out: TextIO, *, today: datetime.date | None = None,
              progress: Progress | None = None, indicators: Indicators | None = None) -> BatchSummary:
    """Evaluate every row of a CSV file (bytes) and write the result CSV to ``out``."""
    ind = indicators or load_indicators()
    headers, reader = read_rows(decode(data))
    keys = header_keys(headers, ind)
    rows = [r for r in reader if any(c.strip() for c in r)]
    carried = [k for k in CARRIED if k in keys]
    writer = csv.DictWriter(out, fieldnames=[*carried, *OUTPUT_COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    summary = BatchSummary()
    for number, cells in enumerate(rows, start=1):
        row = evaluate_row(cells, keys, ind, today)
        summary.rows += 1
        if "error" in row:
            summary.errors += 1
        else:
            summary.verdicts[row["verdict"]] += 1
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
        if progress is not None:
            progress(number, len(rows))
    return summary
