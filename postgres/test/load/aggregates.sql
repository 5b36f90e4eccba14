\set a random(1, 50)
SELECT givetake.give_ratio(body), givetake.me_index(body) FROM interactions WHERE account_id = :a;
SELECT (givetake.ack_time_stats(r.created_at - q.created_at)).*
FROM interactions q JOIN interactions r ON r.parent_id = q.id WHERE q.account_id = :a;
SELECT givetake.ack_time_percentile(extract(epoch FROM r.created_at - q.created_at)::float8, 0.9)
FROM interactions q JOIN interactions r ON r.parent_id = q.id WHERE q.account_id = :a;
