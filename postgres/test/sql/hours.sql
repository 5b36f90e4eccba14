-- Business hours, time zones, SLA clocks and periods (spec sections 3b
-- and 7). Expected values are worked by hand in the comments; the random
-- part compares the engine with a plain-SQL reference built on
-- PostgreSQL's own zone rules.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- ---- The schedules table and its checks ----
SELECT column_name, data_type, is_nullable, column_default
FROM information_schema.columns WHERE table_schema = 'givetake' AND table_name = 'schedules'
ORDER BY ordinal_position;
-- Bad schedules are errors naming the account, the channel and the text.
INSERT INTO givetake.schedules VALUES (7, 'twitter', 'Mars/Olympus', 'Mon 09:00-17:00');
INSERT INTO givetake.schedules VALUES (7, NULL, 'UTC', 'Mon-Fri 17:00-09:00');
INSERT INTO givetake.schedules VALUES (NULL, 'facebook', 'UTC', 'Mon 09:00-12:00, 11:00-13:00');
INSERT INTO givetake.schedules VALUES (8, NULL, 'UTC', 'Mon 09:00-25:00');

-- ---- business_seconds, worked by hand ----
-- Fri 16:00 to Mon 10:00 (UTC, Mon-Fri 09-17): 1 h + 1 h; Monday a holiday: 1 h + 1 h (Tue).
SELECT givetake.business_seconds('2026-11-27 16:00+00', '2026-11-30 10:00+00', 'UTC', 'Mon-Fri 09:00-17:00') / 3600 AS weekend_h,
       givetake.business_seconds('2026-11-27 16:00+00', '2026-12-01 10:00+00', 'UTC', 'Mon-Fri 09:00-17:00',
                                 '{2026-11-30}') / 3600 AS holiday_h;
-- Berlin, Sunday 2026-03-29 (23 h) and 2026-10-25 (25 h); 01:00-04:00 is 2 h and 4 h;
-- 02:30-03:30 is 0.5 h (02:30 is 03:00 CEST) and 2 h (the first 02:30, CEST).
SELECT givetake.business_seconds('2026-03-28', '2026-03-31', 'Europe/Berlin', 'Sun 00:00-24:00') / 3600 AS spring_day,
       givetake.business_seconds('2026-10-24', '2026-10-27', 'Europe/Berlin', 'Sun 00:00-24:00') / 3600 AS autumn_day,
       givetake.business_seconds('2026-03-28', '2026-03-31', 'Europe/Berlin', 'Sun 01:00-04:00') / 3600 AS spring_early,
       givetake.business_seconds('2026-10-24', '2026-10-27', 'Europe/Berlin', 'Sun 01:00-04:00') / 3600 AS autumn_early,
       givetake.business_seconds('2026-03-28', '2026-03-31', 'Europe/Berlin', 'Sun 02:30-03:30') / 3600 AS spring_gap,
       givetake.business_seconds('2026-10-24', '2026-10-27', 'Europe/Berlin', 'Sun 02:30-03:30') / 3600 AS autumn_twice;
-- New York, 2026-03-08 and 2026-11-01: 01:00-04:00 is 2 h and 4 h; 01:30-02:00 on 11-01 is 1.5 h.
SELECT givetake.business_seconds('2026-03-07', '2026-03-10', 'America/New_York', 'Sun 01:00-04:00') / 3600 AS spring_early,
       givetake.business_seconds('2026-10-31', '2026-11-03', 'America/New_York', 'Sun 01:00-04:00') / 3600 AS autumn_early,
       givetake.business_seconds('2026-10-31', '2026-11-03', 'America/New_York', 'Sun 01:30-02:00') / 3600 AS autumn_twice;
-- Split shifts and a 24:00 end: Mon 21:00 to Tue 09:30 = 22-24, 00-02 and 09:00-09:30.
SELECT givetake.business_seconds('2026-11-30 21:00+00', '2026-12-01 09:30+00', 'UTC',
       'Mon 09:00-12:00, 13:00-17:00, 22:00-24:00; Tue 00:00-02:00, 09:00-10:00') / 3600 AS split_h;

-- ---- The engine against a plain-SQL reference, random cases ----
-- The spec's rule for a local time: the earliest instant whose local time
-- is at or after it. Away from a transition that is AT TIME ZONE's
-- answer; near one, scan the minutes around it (zone offsets are whole
-- minutes in these years).
CREATE FUNCTION pg_temp.ref_instant(l timestamp, z text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN ((t1 - interval '3 hours') AT TIME ZONE z) = l - interval '3 hours'
               AND ((t1 + interval '3 hours') AT TIME ZONE z) = l + interval '3 hours'
              THEN t1
              ELSE (SELECT min(t) FROM generate_series(t1 - interval '3 hours', t1 + interval '3 hours',
                                                       interval '1 minute') t
                    WHERE (t AT TIME ZONE z) >= l) END
  FROM (SELECT l AT TIME ZONE z AS t1) s
$$;

SELECT setseed(0.4242);
CREATE TEMP TABLE zones(z text, k int);
INSERT INTO zones VALUES ('Europe/Berlin', 0), ('America/New_York', 1), ('UTC', 2), ('Australia/Lord_Howe', 3),
    ('America/Sao_Paulo', 4), ('Pacific/Chatham', 5), ('Asia/Kolkata', 6), ('America/Santiago', 7);
-- 300 schedules; interval ends are often near 01:00-03:30, where the
-- spring gaps and doubled autumn hours are.
CREATE TEMP TABLE sched AS
SELECT s AS id, (SELECT z FROM zones WHERE k = (s % 8)) AS zone, (s % 10 = 9) AS always FROM generate_series(1, 300) s;
CREATE TEMP TABLE ivl AS
SELECT id, dow, lo, hi FROM (
  SELECT id, dow, slot,
         CASE WHEN random() < 0.5 THEN 60 + floor(random() * 150)::int ELSE floor(random() * 1440)::int END AS a,
         CASE WHEN random() < 0.5 THEN 60 + floor(random() * 150)::int ELSE floor(random() * 1441)::int END AS b
  FROM sched, generate_series(0, 6) dow, generate_series(0, 1) slot WHERE NOT always AND random() < 0.6
) x, LATERAL (SELECT least(a, b) AS lo, greatest(a, b) AS hi) m
WHERE hi > lo;
-- Drop overlaps within a day (keep the earlier interval).
DELETE FROM ivl v USING ivl w WHERE v.id = w.id AND v.dow = w.dow AND (w.lo, w.hi) < (v.lo, v.hi) AND w.hi > v.lo;
-- The hours text: one group per weekday.
CREATE TEMP TABLE sched_text AS
SELECT s.id, s.zone, s.always,
  (SELECT string_agg((ARRAY['Mon','Tue','Wed','Thu','Fri','Sat','Sun'])[dow + 1] || ' ' || spans, '; ' ORDER BY dow)
   FROM (SELECT dow, string_agg(lpad((lo / 60)::text, 2, '0') || ':' || lpad((lo % 60)::text, 2, '0') || '-' ||
                                lpad((hi / 60)::text, 2, '0') || ':' || lpad((hi % 60)::text, 2, '0'), ', ' ORDER BY lo) spans
         FROM ivl WHERE ivl.id = s.id GROUP BY dow) g) AS hours
FROM sched s;
-- 3000 cases: instants within a few days of a 2026 transition of its zone
-- (or anywhere in 2026), a span of up to 9 days, and holidays near them.
CREATE TEMP TABLE cases AS
SELECT c, 1 + floor(random() * 300)::int AS sid,
       floor(random() * 10)::int AS pick, random() AS r1, random() AS r2, random() AS r3
FROM generate_series(1, 3000) c;
CREATE TEMP TABLE trial AS
SELECT c.c, t.id, t.zone, t.always, t.hours, a, a + (c.r2 * 9 * 86400) * interval '1 second' AS b,
       CASE WHEN c.r3 < 0.3 THEN ARRAY[(a AT TIME ZONE t.zone)::date + 1] ELSE '{}'::date[] END AS holidays
FROM cases c JOIN sched_text t ON t.id = c.sid,
LATERAL (SELECT CASE WHEN c.pick < 7
             THEN (ARRAY['2026-03-27', '2026-10-23', '2026-03-06', '2026-10-30', '2026-04-03', '2026-09-25',
                         '2026-02-20', '2026-09-04'])[1 + (c.c % 8)]::timestamptz + c.r1 * 3 * 86400 * interval '1 second'
             ELSE '2026-01-01'::timestamptz + c.r1 * 360 * 86400 * interval '1 second' END AS a) x;
-- Reference: open intervals of every local day around [a, b], as
-- instants, intersected with [a, b].
CREATE TEMP TABLE reference AS
SELECT tr.c, coalesce(sum(greatest(0, extract(epoch FROM least(tr.b, o.e) - greatest(tr.a, o.s))))
                      FILTER (WHERE o.s IS NOT NULL), 0) AS ref
FROM trial tr
LEFT JOIN LATERAL (
  SELECT pg_temp.ref_instant(d + make_interval(mins => i.lo), tr.zone) AS s,
         pg_temp.ref_instant(d + make_interval(mins => i.hi), tr.zone) AS e
  FROM generate_series(((tr.a AT TIME ZONE tr.zone)::date - 1)::timestamp, ((tr.b AT TIME ZONE tr.zone)::date + 1)::timestamp,
                       interval '1 day') d
  JOIN (SELECT dow, lo, hi FROM ivl WHERE ivl.id = tr.id
        UNION ALL SELECT g, 0, 1440 FROM generate_series(0, 6) g WHERE tr.hours IS NULL) i
    ON i.dow = extract(isodow FROM d)::int - 1
  WHERE d::date <> ALL (tr.holidays)
) o ON true
GROUP BY tr.c;
-- Every case agrees to the microsecond.
SELECT count(*) AS cases,
       count(*) FILTER (WHERE abs(givetake.business_seconds(tr.a, tr.b, tr.zone, tr.hours, tr.holidays) - r.ref) > 1e-6) AS mismatches,
       count(*) FILTER (WHERE r.ref > 0) > 1500 AS mostly_open,
       count(DISTINCT tr.zone) AS zones
FROM trial tr JOIN reference r USING (c);
SELECT tr.c, tr.zone, tr.hours, tr.holidays, tr.a, tr.b, r.ref,
       givetake.business_seconds(tr.a, tr.b, tr.zone, tr.hours, tr.holidays) AS engine
FROM trial tr JOIN reference r USING (c)
WHERE abs(givetake.business_seconds(tr.a, tr.b, tr.zone, tr.hours, tr.holidays) - r.ref) > 1e-6
ORDER BY tr.c LIMIT 5;
-- The gap and doubled-hour rule matters in this sample: the reference
-- differs from plain AT TIME ZONE for some interval ends.
SELECT count(*) > 0 AS rule_used FROM (
  SELECT DISTINCT tr.zone, d + make_interval(mins => i.lo) AS l
  FROM trial tr JOIN ivl i ON i.id = tr.id,
       generate_series(((tr.a AT TIME ZONE tr.zone)::date - 1)::timestamp, ((tr.b AT TIME ZONE tr.zone)::date + 1)::timestamp,
                       interval '1 day') d
  WHERE i.dow = extract(isodow FROM d)::int - 1) x
WHERE pg_temp.ref_instant(l, zone) <> (l AT TIME ZONE zone);

-- ---- Scoring with schedules ----
CREATE SCHEMA hrs;
CREATE TABLE hrs.ix (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
    channel text, kind text, inbound boolean, automated boolean, has_media boolean,
    created_at timestamptz, author_name text, body text, value float8);
-- Friday 2026-11-27 15:00 UTC (16:00 in Berlin), answered Monday 09:00
-- UTC (10:00 in Berlin): account 1 facebook (Mon-Fri 09-17 Berlin): 2 h;
-- instagram (override, Mon-Sat): 10 h; account 2 (no schedule): 66 h.
-- Turn 7: Monday 15:00 UTC, unanswered.
INSERT INTO hrs.ix VALUES
 (1, 1, 5, NULL, 'facebook', 'comment', true, false, false, '2026-11-27 15:00+00', NULL, 'help', 0),
 (2, 1, NULL, 1, 'facebook', 'reply', false, false, false, '2026-11-30 09:00+00', NULL, 'done', 0),
 (3, 1, 6, NULL, 'instagram', 'comment', true, false, false, '2026-11-27 15:00+00', NULL, 'help', 0),
 (4, 1, NULL, 3, 'instagram', 'reply', false, false, false, '2026-11-30 09:00+00', NULL, 'done', 0),
 (5, 2, 7, NULL, 'facebook', 'comment', true, false, false, '2026-11-27 15:00+00', NULL, 'help', 0),
 (6, 2, NULL, 5, 'facebook', 'reply', false, false, false, '2026-11-30 09:00+00', NULL, 'done', 0),
 (7, 1, 8, NULL, 'facebook', 'comment', true, false, false, '2026-11-30 15:00+00', NULL, 'help', 0),
 (8, 1, NULL, NULL, 'twitter', 'post', false, false, false, '2026-11-29 23:30+00', NULL, 'How to fix it: a free guide and tips', 0);
INSERT INTO givetake.schedules VALUES (1, NULL, 'Europe/Berlin', 'Mon-Fri 09:00-17:00'),
                                      (1, 'instagram', 'Europe/Berlin', 'Mon-Sat 09:00-17:00');
-- Calendar clock (default): at Tuesday 08:30 UTC every answer is late;
-- turn 7 is 17.5 h old: unacknowledged, due Monday 19:00.
SELECT turn_id, status, time_to_ack_s / 3600 AS h, business_time_to_ack_s / 3600 AS business_h, within_sla, due_at
FROM givetake.score_turns('hrs.ix', '2026-12-01 08:30+00') ORDER BY turn_id;
-- Business clock: facebook 2 h <= 4 h is within; turn 7 had 1 h on Monday
-- and needs 3 h more from Tuesday 09:00 Berlin: due 11:00 UTC, pending.
SET givetake.sla_clock = business;
SELECT turn_id, status, within_sla, due_at FROM givetake.score_turns('hrs.ix', '2026-12-01 08:30+00') ORDER BY turn_id;
-- A per-channel override back to calendar for facebook.
SET givetake.sla_clock_facebook = calendar;
SELECT turn_id, status, within_sla, due_at FROM givetake.score_turns('hrs.ix', '2026-12-01 08:30+00') ORDER BY turn_id;
RESET givetake.sla_clock_facebook;
SELECT account_id, channel, needs_ack, pending, acknowledged, sla_rate, median_ack_s / 3600 AS median_h,
       median_ack_business_s / 3600 AS median_business_h, p90_ack_business_s / 3600 AS p90_business_h
FROM givetake.score_accounts('hrs.ix', '2026-12-01 08:30+00') ORDER BY account_id, channel NULLS FIRST;
SELECT agent_id, median_ack_business_s / 3600 AS median_business_h
FROM givetake.score_agents('hrs.ix', '2026-12-01 08:30+00') ORDER BY account_id;
-- Weeks in the account's zone: row 8 (Sunday 23:30 UTC) is Monday 00:30
-- in Berlin (week of 11-30) for account 1; account 2 is in UTC.
SELECT account_id, period_start, needs_ack, pending, acknowledged, give_posts, median_ack_business_s / 3600 AS median_business_h
FROM givetake.score_periods('hrs.ix', 'week', '2026-12-01 08:30+00') ORDER BY 1, 2;
SELECT account_id, period_start, needs_ack, pending, acknowledged
FROM givetake.score_periods('hrs.ix', 'day', '2026-12-01 08:30+00') ORDER BY 1, 2;
-- Count columns summed over periods equal the account's.
SELECT p.account_id, p.needs_ack = a.needs_ack AND p.pending = a.pending AND p.acknowledged = a.acknowledged
       AND p.give_posts = a.give_posts AND p.take_posts = a.take_posts AND p.neutral_posts = a.neutral_posts
       AND p.anomalies = a.anomalies AND p.leads = a.give_attributed_leads AS sums_match
FROM (SELECT account_id, sum(needs_ack) needs_ack, sum(pending) pending, sum(acknowledged) acknowledged,
             sum(give_posts) give_posts, sum(take_posts) take_posts, sum(neutral_posts) neutral_posts,
             sum(anomalies) anomalies, sum(give_attributed_leads) leads
      FROM givetake.score_periods('hrs.ix', 'month') GROUP BY 1) p
JOIN givetake.score_accounts('hrs.ix') a ON a.account_id = p.account_id AND a.channel IS NULL ORDER BY 1;
SELECT * FROM givetake.score_periods('hrs.ix', 'fortnight');
-- A bad row slipped in with the trigger disabled is named at scoring time.
ALTER TABLE givetake.schedules DISABLE TRIGGER schedules_check;
INSERT INTO givetake.schedules VALUES (2, 'twitter', 'UTC', 'Tue 10:00-10:00');
SELECT count(*) FROM givetake.score_turns('hrs.ix');
DELETE FROM givetake.schedules WHERE account_id = 2;
ALTER TABLE givetake.schedules ENABLE TRIGGER schedules_check;
RESET givetake.sla_clock;
DELETE FROM givetake.schedules;
DROP SCHEMA hrs CASCADE;
