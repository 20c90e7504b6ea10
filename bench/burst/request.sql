-- pgbench: every statement that one new check-in (POST /api/v1/checkins, 201) sends to PostgreSQL, in its
-- order, as bench/burst/counting_wsgi.py lists them: the pool's liveness ping, the reads of the bearer's
-- account and member, the event and an earlier check-in, the ledger's shared gate, the closed months,
-- the rules and the county settings, the month's points so far for the caps, then the writes of
-- writes.sql. The database's share of the whole request; run as writes.sql is.
\set k :k + 1
\set pair (:k - 1) * :clients + :client_id
\set member :first_member + :pair % :members
\set event :first_event + :pair / :members
SELECT 1;
BEGIN;
SELECT accounts.id, accounts.phone, accounts.name, accounts.password_hash, accounts.role, accounts.member_id, accounts.community_id, accounts.unit_id, accounts.suspended, accounts.failed_logins, accounts.locked_until, accounts.token_version, accounts.created_at FROM accounts WHERE accounts.member_id = :member;
SELECT members.id, members.name, members.phone, members.unit_id, members.community_id, members.grid_id, members.building_id, members.address, members.reported_on, members.active, members.created_at FROM members WHERE members.id = :member;
SELECT events.id, events.community_id, events.title, events.category, events.kind, events.place, events.starts_at, events.ends_at, events.checkin_opens_at, events.checkin_closes_at, events.latitude, events.longitude, events.radius_m, events.capacity, events.key_version, events.created_by, events.created_at FROM events WHERE events.id = :event;
SELECT checkins.id, checkins.event_id, checkins.member_id, checkins.method, checkins.by_account_id, checkins.reason, checkins.latitude, checkins.longitude, checkins.idempotency_key, checkins.created_at FROM checkins WHERE checkins.event_id = :event AND checkins.member_id = :member;
SELECT pg_advisory_xact_lock_shared(2021093);
SELECT members.id FROM members WHERE members.id = :member FOR UPDATE;
INSERT INTO checkins (event_id, member_id, method, latitude, longitude, idempotency_key, created_at) VALUES (:event, :member, 'printed', NULL, NULL, NULL, now()) ON CONFLICT DO NOTHING RETURNING checkins.id AS checkin_id \gset
SELECT periods.period FROM periods;
SELECT points_rules.id, points_rules.code, points_rules.name, points_rules.source, points_rules.match, points_rules.points, points_rules.needs_audit, points_rules.cap_month, points_rules.valid_from, points_rules.valid_to FROM points_rules;
SELECT county_settings.id, county_settings.pairing_target, county_settings.audit_day, county_settings.month_cap, county_settings.return_day_start, county_settings.return_day_end FROM county_settings LIMIT 1;
SELECT coalesce(sum(CASE WHEN (entry_status.rule = 'checkin.return_day') THEN entry_status.points ELSE 0 END), 0) AS coalesce_1, coalesce(sum(entry_status.points), 0) AS coalesce_3 FROM entry_status WHERE entry_status.member_id = :member AND entry_status.period = :period AND entry_status.state != 'rejected' AND entry_status.points > 0;
SELECT ledger_records.seq AS head_seq, ledger_records.hash AS head_hash FROM ledger_records WHERE ledger_records.chain = :member ORDER BY ledger_records.seq DESC LIMIT 1 \gset
\set seq :head_seq + 1
INSERT INTO ledger_records (chain, seq, kind, prev_hash, hash, period, created_at, reason, points, rule, source, source_id, reverses_seq, state, entry_seq, decision, actor_id) VALUES (:member, :seq, 'entry', :head_hash, '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9', :period, '2026-11-29T01:30:00.000000Z', NULL, 5, 'checkin.return_day', 'checkin', :checkin_id, NULL, 'posted', NULL, NULL, NULL) RETURNING ledger_records.id AS entry_id \gset
INSERT INTO entry_status (entry_id, member_id, seq, period, state, points, rule, source, source_id, reversed_by, created_at, updated_at) VALUES (:entry_id, :member, :seq, :period, 'posted', 5, 'checkin.return_day', 'checkin', :checkin_id, NULL, now(), now());
INSERT INTO balances (member_id, period, posted, pending, posted_entries) VALUES (:member, :period, 5, 0, 1) ON CONFLICT (member_id, period) DO UPDATE SET posted = (balances.posted + excluded.posted), pending = (balances.pending + excluded.pending), posted_entries = (balances.posted_entries + excluded.posted_entries);
COMMIT;
