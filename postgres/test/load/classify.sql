\set id random(1, 20000)
SELECT givetake.classify(body), givetake.give_score(body), givetake.is_appreciative(body)
FROM interactions WHERE id = :id;
SELECT count(*) FROM givetake.explain((SELECT body FROM interactions WHERE id = :id));
