"""Recheck a `flask ledger export` file with nothing but Python's standard library.

Usage: python3 check_export.py EXPORT.jsonl [--period]   (--period: the file holds one month's stretch of each chain)"""

import hashlib
import json
import sys

path, stretch = sys.argv[1], "--period" in sys.argv[2:]
last, seen = None, set()  # (chain, seq, hash) of the previous line; every chain met so far
with open(path, encoding="utf-8") as lines:
    for n, line in enumerate(lines, 1):
        r = json.loads(line)
        body = json.dumps(
            {k: v for k, v in r.items() if k != "hash"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        if last and r["chain"] == last[0]:
            if r["seq"] != last[1] + 1 or r["prev_hash"] != last[2]:
                sys.exit(f"line {n}: chain {r['chain']} seq {r['seq']} does not follow seq {last[1]}")
        elif r["chain"] in seen or (last and r["chain"] < last[0]):
            sys.exit(f"line {n}: chain {r['chain']} out of order")
        elif not stretch and (r["seq"] != 1 or r["prev_hash"] != ""):
            sys.exit(f"line {n}: chain {r['chain']} does not start at seq 1")
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != r["hash"]:
            sys.exit(f"line {n}: chain {r['chain']} seq {r['seq']}: hash does not match the record")
        seen.add(r["chain"])
        last = (r["chain"], r["seq"], r["hash"])
print(f"OK: {n if last else 0} records in {len(seen)} chains; every hash and link holds")
