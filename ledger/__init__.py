"""The points ledger (积分台账): periods, rules, entry states, the hash chain and rankings, in plain Python."""
