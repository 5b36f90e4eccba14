-- Lexicon abuse: the table takes exactly the rows the library accepts, a
-- big lexicon compiles in one call, and changes are seen at once, inside
-- PL/pgSQL too.

-- rejected with the library's reason
INSERT INTO givetake.lexicon VALUES ('', 'teaching', 1);
INSERT INTO givetake.lexicon VALUES (E' \t\n ', 'teaching', 1);
INSERT INTO givetake.lexicon VALUES (repeat('a', 257), 'teaching', 1);
INSERT INTO givetake.lexicon VALUES (repeat('é', 129), 'teaching', 1);  -- 258 bytes in UTF-8
INSERT INTO givetake.lexicon VALUES ('big deal', 'selling', 'infinity');
INSERT INTO givetake.lexicon VALUES ('big deal', 'selling', 'NaN');
INSERT INTO givetake.lexicon VALUES ('big deal', 'selling', 1000.5);
INSERT INTO givetake.lexicon VALUES ('big deal', 'selling', -0.5);
INSERT INTO givetake.lexicon VALUES ('<bogus>', 'selling', 1);
INSERT INTO givetake.lexicon VALUES ('big deal', 'Selling', 1);
INSERT INTO givetake.lexicon VALUES (NULL, 'selling', 1);
INSERT INTO givetake.lexicon VALUES ('big deal', NULL, 1);
INSERT INTO givetake.lexicon VALUES ('big deal', 'selling', NULL);
UPDATE givetake.lexicon SET weight = 'infinity';
-- the limits themselves are accepted; white space collapses
INSERT INTO givetake.lexicon VALUES (repeat('a', 256), 'teaching', 1000), (E'  big \t deal ', 'selling', 0),
    ('<money>', 'selling', 1), (repeat('é', 128), 'helping', 1);
SELECT count(*) FROM givetake.lexicon;
-- and every call still works
SELECT givetake.classify('a big deal for $5'), round(givetake.take_score('a big deal for $5')::numeric, 2) AS take_score;
SELECT givetake.give_score(repeat('a', 256)), givetake.give_score(repeat('a', 257));
TRUNCATE givetake.lexicon;

-- phrases differing only in ASCII case are one cue for the library: the
-- later one (in C collation order) wins
INSERT INTO givetake.lexicon VALUES ('Mega Deal', 'selling', 2), ('mega deal', 'selling', 3);
SELECT givetake.take_score('MEGA DEAL');
TRUNCATE givetake.lexicon;

-- a change is seen by the next command of the same PL/pgSQL block or DO
CREATE FUNCTION lexicon_steps() RETURNS TABLE (step int, score float8) LANGUAGE plpgsql AS $$
BEGIN
    step := 1; score := givetake.give_score('a masterclass'); RETURN NEXT;
    INSERT INTO givetake.lexicon VALUES ('masterclass', 'teaching', 2);
    step := 2; score := givetake.give_score('a masterclass'); RETURN NEXT;
    UPDATE givetake.lexicon SET weight = 5 WHERE phrase = 'masterclass';
    step := 3; score := givetake.give_score('a masterclass'); RETURN NEXT;
    DELETE FROM givetake.lexicon WHERE phrase = 'masterclass';
    step := 4; score := givetake.give_score('a masterclass'); RETURN NEXT;
END $$;
SELECT * FROM lexicon_steps();
DO $$
DECLARE s float8;
BEGIN
    FOR i IN 1..3 LOOP
        INSERT INTO givetake.lexicon VALUES ('step ' || i, 'teaching', i);
        s := givetake.give_score('step 1 step 2 step 3');
        RAISE NOTICE 'after % rows: %', i, s;
    END LOOP;
    TRUNCATE givetake.lexicon;
    RAISE NOTICE 'after truncate: %', givetake.give_score('step 1 step 2 step 3');
END $$;
-- savepoints: a rolled-back subtransaction's change is not seen
BEGIN;
INSERT INTO givetake.lexicon VALUES ('webinar', 'teaching', 4);
SAVEPOINT a;
UPDATE givetake.lexicon SET weight = 9;
SELECT givetake.give_score('webinar');
ROLLBACK TO a;
SELECT givetake.give_score('webinar');
COMMIT;
SELECT givetake.give_score('webinar');
TRUNCATE givetake.lexicon;

-- 20,000 rows compile once: the first call after the load is quick to
-- start and every row is in force (timings are in postgres/bench)
INSERT INTO givetake.lexicon SELECT 'gadget ' || g, 'selling', 1 FROM generate_series(1, 20000) g;
SELECT givetake.take_score('gadget 1 and gadget 19999 and gadget 20001');
SELECT count(*) FROM givetake.active_lexicon() WHERE phrase LIKE 'gadget %';
SET givetake.lexicon_mode = 'replace';
SELECT count(*) FROM givetake.active_lexicon();
RESET givetake.lexicon_mode;
TRUNCATE givetake.lexicon;

-- parse_lexicon: bad files are rejected with the line
SELECT * FROM givetake.parse_lexicon(E'ok\tteaching\t1\n\tteaching\t1\n');
SELECT * FROM givetake.parse_lexicon(E'x\tteaching\tinf\n');
SELECT * FROM givetake.parse_lexicon(E'x\tteaching\n');
SELECT count(*) FROM givetake.parse_lexicon('');
