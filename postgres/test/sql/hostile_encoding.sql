-- Encodings: text crosses into the library as UTF-8 and comes back in the
-- database encoding; explain's offsets and lengths count bytes of the
-- database encoding. Each database is made here and dropped at the end.
SET client_min_messages = warning;
CREATE DATABASE gt_latin1 ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE gt_eucjp ENCODING 'EUC_JP' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE gt_sqlascii ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';
RESET client_min_messages;

\c gt_latin1
SET client_encoding = 'UTF8';
CREATE EXTENSION givetake;
SHOW server_encoding;
SELECT givetake.first_name('José María'), givetake.first_name('Ærø Ødegård');
SELECT givetake.is_personal('Gracias José!', 'José María'), givetake.is_appreciative('merci, très grateful');
-- offsets and lengths in LATIN1 bytes: é is one byte here
SELECT * FROM givetake.explain('café sale: order now');
SELECT convert_from(substring(convert_to('café sale: order now', 'LATIN1') FROM "offset" + 1 FOR length), 'LATIN1') = cue
    AS cut_right FROM givetake.explain('café sale: order now');
-- a non-ASCII user cue compiles and fires; active_lexicon returns it intact
INSERT INTO givetake.lexicon VALUES ('café crème', 'selling', 2), ('naïve tips', 'teaching', 3);
SELECT givetake.classify('Un café crème!'), givetake.take_score('Un CAFÉ crème!'), givetake.take_score('Un café crème!');
SELECT givetake.give_score('some naïve tips'), givetake.classify('some naïve tips');
SELECT phrase, category, weight FROM givetake.active_lexicon() WHERE phrase ~ '[^ -~]' ORDER BY phrase;
SELECT * FROM givetake.parse_lexicon(E'crêpe party\tinviting\t1\n');
-- 256 bytes in UTF-8 is the limit, whatever the bytes in LATIN1
INSERT INTO givetake.lexicon VALUES (repeat('é', 129), 'teaching', 1);
INSERT INTO givetake.lexicon VALUES (repeat('é', 128), 'teaching', 1);
CREATE TABLE t AS SELECT givetake.first_name('Zoë Ünal') AS n;
SELECT n, length(n), octet_length(n) FROM t;
SELECT givetake.give_ratio(b) FROM (VALUES ('some naïve tips'), ('Un café crème')) v(b);
-- scored tables are converted too: the reply names José, the post sells
CREATE TABLE src (id bigint, account_id bigint, contact_id bigint, parent_id bigint, channel text, kind text,
    inbound boolean, automated boolean, has_media boolean, created_at timestamptz, author_name text, body text,
    value float8);
INSERT INTO src VALUES
    (1, 1, 2, NULL, 'twitter', 'mention', true, false, false, '2024-01-01 00:00+00', 'José María', 'hola', 0),
    (2, 1, 2, 1, 'twitter', 'reply', false, false, false, '2024-01-01 00:05+00', NULL, 'Gracias José!', 0),
    (3, 1, NULL, NULL, 'twitter', 'post', false, false, false, '2024-01-01 00:06+00', NULL, 'Un café crème!', 0);
SELECT acknowledged, personal_rate, take_posts FROM givetake.score_accounts('src') WHERE channel IS NULL;

\c gt_eucjp
SET client_encoding = 'UTF8';
CREATE EXTENSION givetake;
SHOW server_encoding;
SELECT givetake.first_name('山田 太郎'), givetake.first_name('A. 鈴木');
-- stored results are valid EUC_JP text of the right length
CREATE TABLE t AS SELECT givetake.first_name('山田 太郎') AS n, givetake.first_name('Zoë') AS z;
SELECT n, length(n), octet_length(n), z, octet_length(z) FROM t;
SELECT * FROM givetake.explain('無料 sale: order now');
SELECT convert_from(substring(convert_to('無料 sale: order now', 'EUC_JP') FROM "offset" + 1 FOR length), 'EUC_JP') = cue
    AS cut_right FROM givetake.explain('無料 sale: order now');
INSERT INTO givetake.lexicon VALUES ('大特価', 'selling', 2);
SELECT givetake.take_score('本日 大特価 です'), givetake.classify('本日 大特価 です');
SELECT phrase FROM givetake.active_lexicon() WHERE phrase = '大特価';

\c gt_sqlascii
CREATE EXTENSION givetake;
SHOW server_encoding;
-- bytes are passed as they are: UTF-8 works, anything else is an error
SET client_encoding = 'UTF8';
SELECT givetake.first_name('José María'), givetake.classify('café sale: order now');
SELECT * FROM givetake.explain('café sale');
SELECT givetake.classify(convert_from('\x636166e9'::bytea, 'SQL_ASCII'));
SELECT givetake.first_name(convert_from('\x4a6f73e9'::bytea, 'SQL_ASCII'));
INSERT INTO givetake.lexicon VALUES (convert_from('\x636166e9'::bytea, 'SQL_ASCII'), 'selling', 1);

\c contrib_regression
DROP DATABASE gt_latin1;
DROP DATABASE gt_eucjp;
DROP DATABASE gt_sqlascii;
