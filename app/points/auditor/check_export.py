"""Recheck a `flask ledger export` file with nothing but Python's standard library (外部审计校验).

Usage: python3 check_export.py EXPORT.jsonl [--period]   (--period: the file holds one month's stretch of each chain)
A manifest.json beside the file (the office's download carries one) says which it is and how many records it holds."""

import hashlib
import json
import sys
from pathlib import Path

path, stretch = sys.argv[1], "--period" in sys.argv[2:]
manifest = Path(path).with_name("manifest.json")
expected = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
stretch = stretch or expected.get("period") is not None
last, seen, n = None, set(), 0  # (chain, seq, hash) of the previous line; every chain met so far
with open(path, encoding="utf-8") as lines:
    for n, line in enumerate(lines, 1):
        r = json.loads(line)
        body = json.dumps(
            {k: v for k, v in r.items() if k != "hash"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        if last and r["chain"] == last[0]:
            if r["seq"] != last[1] + 1 or r["prev_hash"] != last[2]:
                sys.exit(f"line {n}: chain {r['chain']} seq {r['seq']} does not follow seq {last[1]}（链断开）")
        elif r["chain"] in seen or (last and r["chain"] < last[0]):
            sys.exit(f"line {n}: chain {r['chain']} out of order（链的顺序不对）")
        elif not stretch and (r["seq"] != 1 or r["prev_hash"] != ""):
            sys.exit(f"line {n}: chain {r['chain']} does not start at seq 1（链首缺失）")
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != r["hash"]:
            sys.exit(f"line {n}: chain {r['chain']} seq {r['seq']}: hash does not match the record（记录被改动过）")
        seen.add(r["chain"])
        last = (r["chain"], r["seq"], r["hash"])
if "records" in expected and n != expected["records"]:
    sys.exit(f"{n} records, but the export wrote {expected['records']}（记录条数与导出时不符）")
print(f"OK: {n} records in {len(seen)} chains; every hash and link holds（校验通过）")
