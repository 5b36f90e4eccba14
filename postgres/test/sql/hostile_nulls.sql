-- NULLs everywhere: strict functions return NULL, predicates false,
-- aggregates skip them; nothing errors without a reason.
SELECT givetake.classify(NULL), givetake.classify_builtin(NULL), givetake.give_score(NULL),
       givetake.take_score(NULL), givetake.first_name(NULL);
SELECT givetake.is_personal(NULL, NULL), givetake.is_personal('hi Al', NULL),
       givetake.is_personal(NULL, 'Al'), givetake.is_appreciative(NULL);
SELECT count(*) FROM givetake.explain(NULL);
SELECT count(*) FROM givetake.parse_lexicon(NULL);
SELECT givetake.give_ratio(b), givetake.me_index(b) FROM (VALUES (NULL::text), (NULL)) v(b);
SELECT givetake.give_ratio(b) FROM (VALUES (NULL::text), ('how to fix it')) v(b);
SELECT (givetake.ack_time_stats(s)).* FROM (VALUES (NULL::float8), (NULL)) v(s);
SELECT (givetake.ack_time_stats(s)).* FROM (VALUES (NULL::interval), ('5 s')) v(s);
SELECT givetake.ack_time_percentile(s, p) FROM (VALUES (NULL::float8, 0.5::float8), (3, NULL), (4, 0.5)) v(s, p);
SELECT givetake.ack_time_percentile(s, NULL) FROM generate_series(1, 3) s;
SELECT * FROM givetake.score_accounts(NULL);
SELECT * FROM givetake.score_contacts(NULL);
SELECT * FROM givetake.refresh_scores(NULL);
-- empty strings are texts, not NULLs
SELECT givetake.classify(''), givetake.give_score(''), givetake.first_name(''), givetake.is_personal('', ''),
       givetake.is_appreciative('');
SELECT count(*) FROM givetake.explain('');
