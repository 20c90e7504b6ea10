-- pgbench: a check-in's writes, statement for statement as app/checkins/operations.py (_record) and
-- app/points/operations.py (insert_locking_member, append_entry, _new_entry) send them on PostgreSQL: the
-- check-in insert taking the ledger's gate and the member's row lock, the read that prices the entry (chain head, the
-- month's points for the caps, the config version, the last closed month), and the ledger record, its
-- status and its balance in one statement of data-modifying CTEs, in one transaction.
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
WITH locked AS (SELECT members.id, pg_advisory_xact_lock_shared(2021093) FROM members WHERE members.id = :member FOR UPDATE) INSERT INTO checkins (event_id, member_id, method, by_account_id, reason, latitude, longitude, idempotency_key, created_at) VALUES (:event, (SELECT id FROM locked), 'printed', NULL, NULL, NULL, NULL, NULL, now()) ON CONFLICT DO NOTHING RETURNING id AS checkin_id \gset
SELECT head.seq AS head_seq, head.hash AS head_hash, used.by_rule, used.in_month, (SELECT config_version.version FROM config_version WHERE config_version.id = 1) AS version, (SELECT max(periods.period) FROM periods) AS last_closed FROM (SELECT coalesce(sum(CASE WHEN (entry_status.rule = 'checkin.return_day') THEN entry_status.points ELSE 0 END), 0) AS by_rule, coalesce(sum(entry_status.points), 0) AS in_month FROM entry_status WHERE entry_status.member_id = :member AND entry_status.period = :period AND entry_status.state != 'rejected' AND entry_status.points > 0) AS used LEFT OUTER JOIN (SELECT ledger_records.seq AS seq, ledger_records.hash AS hash FROM ledger_records WHERE ledger_records.chain = :member ORDER BY ledger_records.seq DESC LIMIT 1) AS head ON true \gset
\set seq :head_seq + 1
WITH record AS (INSERT INTO ledger_records (chain, seq, kind, prev_hash, hash, period, created_at, reason, points, rule, source, source_id, reverses_seq, state, entry_seq, decision, actor_id) VALUES (:member, :seq, 'entry', :head_hash, '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9', :period, '2026-11-29T01:30:00.000000Z', NULL, 5, 'checkin.return_day', 'checkin', :checkin_id, NULL, 'posted', NULL, NULL, NULL) RETURNING id), status AS (INSERT INTO entry_status (entry_id, member_id, seq, period, state, points, rule, source, source_id, created_at, updated_at) SELECT id, :member, :seq, :period, 'posted', 5, 'checkin.return_day', 'checkin', :checkin_id, now(), now() FROM record), balance AS (INSERT INTO balances (member_id, period, posted, pending, posted_entries) SELECT :member, :period, 5, 0, 1 WHERE true ON CONFLICT (member_id, period) DO UPDATE SET posted = balances.posted + excluded.posted, pending = balances.pending + excluded.pending, posted_entries = balances.posted_entries + excluded.posted_entries) SELECT id FROM record;
COMMIT;
