"""The county office (组织部后台): the organisation tree, rosters, accounts, rules, months, reports and
the action log, for admins, on the same operations and queries as the API."""
