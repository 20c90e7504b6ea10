-- pgbench: a check-in's writes as issue 19 measured them when it was filed, one statement each: the member's
-- row lock, the check-in insert, the chain head read, the record insert, the status insert, the balance
-- upsert, in one transaction (1,600-1,860 tps on this machine then). A fixed yardstick: writes.sql follows
-- the app as it merges statements, this one does not. Run as writes.sql is.
-- Run with -M prepared (psycopg prepares a statement from its fifth execution on) and
-- -D k=0 -D period=YYYY-MM -D clients=C -D members=M -D first_member=ID -D first_event=ID, on a copy of the schema where
-- every member's chain has a first record (pgbench's \gset needs the head read to return a row).
-- Client c's k-th transaction takes pair (k - 1) * C + c: no two transactions scan the same pair, and
-- the clients in flight at once hold different members, as the burst's walk does.
\set k :k + 1
\set pair (:k - 1) * :clients + :client_id
\set member :first_member + :pair % :members
\set event :first_event + :pair / :members
BEGIN;
SELECT members.id FROM members WHERE members.id = :member FOR UPDATE;
INSERT INTO checkins (event_id, member_id, method, by_account_id, reason, latitude, longitude, idempotency_key, created_at) VALUES (:event, :member, 'printed', NULL, NULL, NULL, NULL, NULL, now()) ON CONFLICT DO NOTHING RETURNING id AS checkin_id \gset
SELECT ledger_records.seq AS head_seq, ledger_records.hash AS head_hash FROM ledger_records WHERE ledger_records.chain = :member ORDER BY ledger_records.seq DESC LIMIT 1 \gset
\set seq :head_seq + 1
INSERT INTO ledger_records (chain, seq, kind, prev_hash, hash, period, created_at, reason, points, rule, source, source_id, reverses_seq, state, entry_seq, decision, actor_id) VALUES (:member, :seq, 'entry', :head_hash, '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9', :period, '2026-11-29T01:30:00.000000Z', NULL, 5, 'checkin.return_day', 'checkin', :checkin_id, NULL, 'posted', NULL, NULL, NULL) RETURNING id AS entry_id \gset
INSERT INTO entry_status (entry_id, member_id, seq, period, state, points, rule, source, source_id, created_at, updated_at) VALUES (:entry_id, :member, :seq, :period, 'posted', 5, 'checkin.return_day', 'checkin', :checkin_id, now(), now());
INSERT INTO balances (member_id, period, posted, pending, posted_entries) VALUES (:member, :period, 5, 0, 1) ON CONFLICT (member_id, period) DO UPDATE SET posted = balances.posted + excluded.posted, pending = balances.pending + excluded.pending, posted_entries = balances.posted_entries + excluded.posted_entries;
COMMIT;
