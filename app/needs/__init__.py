"""Residents' needs, the four orders (群众点单 → 联盟派单 → 支部接单 → 大众评单), feeding the ledger."""
