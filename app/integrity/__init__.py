"""The ledger's integrity checks (台账校验) as the county sees them: each `ledger verify` run, when and how it went."""
