\set n random(1, 20)
\set w random(0, 3)
INSERT INTO givetake.lexicon VALUES ('load phrase ' || :n, 'helping', :w)
ON CONFLICT (phrase) DO UPDATE SET weight = excluded.weight;
SELECT givetake.classify('a load phrase ' || :n || ' for you');
DELETE FROM givetake.lexicon WHERE phrase = 'load phrase ' || (:n + 1);
