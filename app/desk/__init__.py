"""The secretary's desk (书记工作台): audit, events and the hall's screen, members and duty, notices,
leave, registrations and stats, on the same operations and queries as the API."""
