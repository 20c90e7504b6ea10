#!/usr/bin/env python3
"""Recheck a ledger export (JSON Lines) with nothing but Python's standard library.

    python3 verify_export.py ledger.jsonl

With the `manifest.json` that comes beside it, the count of records must match, and a whole export
(no month named) must hold every chain from its seq 1.

Every record's `hash` must be the SHA-256 of the record without its `hash` key, serialised with keys
sorted, no whitespace and non-ASCII kept as is; records of one chain are numbered by `seq` with no
gap, and each `prev_hash` is the `hash` of the record before it (`""` for seq 1). An export of one
month holds a stretch of each chain: its first record's `prev_hash` points at a record outside the
file and is reported, not checked. Exit status 0 when everything holds, 1 at the first failure."""

import hashlib
import json
import sys
from pathlib import Path


def digest(record: dict) -> str:
    body = {key: value for key, value in record.items() if key != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check(lines, whole: bool = False) -> tuple[int, int, int]:
    """(records, chains, stretches starting past seq 1); raises ValueError naming the first failure.
    `whole`: the export is of the whole ledger, so every chain starts at seq 1."""
    records, chains, partial = 0, 0, 0
    last: tuple[object, int, str] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        where = f"第 {number} 行（chain {record.get('chain')}, seq {record.get('seq')}）"
        if digest(record) != record.get("hash"):
            raise ValueError(f"{where}：hash 与内容不符，记录被改动过")
        chain, seq, prev = record["chain"], record["seq"], record["prev_hash"]
        if last is None or last[0] != chain:
            chains += 1
            if seq == 1 and prev != "":
                raise ValueError(f"{where}：链的第一条记录 prev_hash 应为空")
            if whole and seq != 1:
                raise ValueError(f"{where}：完整导出中，链应从 seq 1 开始，前面的记录缺失")
            partial += seq != 1
        elif seq != last[1] + 1:
            raise ValueError(f"{where}：seq 不连续（上一条是 {last[1]}）")
        elif prev != last[2]:
            raise ValueError(f"{where}：prev_hash 与上一条记录的 hash 不符")
        last = (chain, seq, record["hash"])
        records += 1
    return records, chains, partial


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("用法：python3 verify_export.py ledger.jsonl", file=sys.stderr)
        return 2
    manifest = Path(argv[1]).with_name("manifest.json")
    expected = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    with open(argv[1], encoding="utf-8") as lines:
        try:
            records, chains, partial = check(lines, whole="period" in expected and expected["period"] is None)
            if "records" in expected and records != expected["records"]:
                raise ValueError(f"文件有 {records} 条记录，导出时写入的是 {expected['records']} 条")
        except (ValueError, KeyError, json.JSONDecodeError) as failure:
            print(f"校验失败：{failure}")
            return 1
    note = f"（其中 {partial} 条链从本月之前接续，首条的 prev_hash 指向文件之外）" if partial else ""
    print(f"校验通过：{records} 条记录，{chains} 条链{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
