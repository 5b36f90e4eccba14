-- A lexicon change committed by another session between two statements of
-- one READ COMMITTED transaction (no writes of its own in between, so the
-- same command id) is seen by the second statement, by a plain call and by
-- a call site that is new on every call (as under Citus's
-- worker_partial_agg): the backend's lookup cache is keyed by snapshot.
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE FUNCTION other_session(sql text) RETURNS text LANGUAGE sql AS $$
  SELECT dblink_exec(format('host=%s port=%s dbname=%s user=%s',
                            split_part(current_setting('unix_socket_directories'), ',', 1),
                            current_setting('port'), current_database(), current_user), sql) $$;
-- a call site new on every call: EXECUTE plans the call afresh each time
CREATE FUNCTION fresh_classify(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  EXECUTE 'SELECT givetake.classify($1)' INTO r USING t;
  RETURN r;
END $$;
DELETE FROM givetake.lexicon;
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT givetake.classify('zyzzyva') AS before, fresh_classify('zyzzyva') AS before_fresh;
SELECT other_session($$INSERT INTO givetake.lexicon VALUES ('zyzzyva', 'selling', 5)$$);
SELECT givetake.classify('zyzzyva') AS after, fresh_classify('zyzzyva') AS after_fresh;
SELECT other_session($$DELETE FROM givetake.lexicon WHERE phrase = 'zyzzyva'$$);
SELECT givetake.classify('zyzzyva') AS removed, fresh_classify('zyzzyva') AS removed_fresh;
COMMIT;
-- REPEATABLE READ keeps the transaction's snapshot: the change is not seen
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT fresh_classify('zyzzyva') AS before;
SELECT other_session($$INSERT INTO givetake.lexicon VALUES ('zyzzyva', 'selling', 5)$$);
SELECT fresh_classify('zyzzyva') AS still_before;
COMMIT;
SELECT fresh_classify('zyzzyva') AS next_transaction;
DELETE FROM givetake.lexicon;
DROP FUNCTION fresh_classify(text), other_session(text);
DROP EXTENSION dblink;
