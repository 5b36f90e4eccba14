-- User lexicon: extend, replace, builtin; cache invalidation.
SELECT count(*) > 50 AS builtin_has_cues FROM givetake.active_lexicon();
SELECT givetake.classify('an onboarding call');

INSERT INTO givetake.lexicon VALUES ('onboarding call', 'helping', 2), ('sale', 'selling', 0);
-- extend (default): the new cue fires; weight 0 disables the built-in "sale"
SELECT givetake.classify('an onboarding call'), givetake.give_score('an onboarding call') >= 2 AS gives,
       givetake.classify('sale today');
SELECT cue, category, "offset", length FROM givetake.explain('an onboarding call, sale today');
-- classify_builtin ignores the table (IMMUTABLE)
SELECT givetake.classify_builtin('an onboarding call'), givetake.classify_builtin('sale today');

SET givetake.lexicon_mode = 'replace';
-- replace: only the two table rows are cues
SELECT count(*) FROM givetake.active_lexicon();
SELECT givetake.take_score('order now $5'), givetake.give_score('onboarding call');

SET givetake.lexicon_mode = 'builtin';
SELECT givetake.classify('an onboarding call'), givetake.take_score('sale today') > 0 AS sale_takes;
RESET givetake.lexicon_mode;

-- a change inside a transaction is seen at once and undone by ROLLBACK
BEGIN;
UPDATE givetake.lexicon SET weight = 0.5 WHERE phrase = 'onboarding call';
SELECT givetake.give_score('onboarding call');
ROLLBACK;
SELECT givetake.give_score('onboarding call');

-- the aggregates see the user lexicon too
SELECT givetake.give_ratio(b) FROM (VALUES ('onboarding call'), ('order now')) v(b);

-- the table rejects unknown categories and negative weights
INSERT INTO givetake.lexicon VALUES ('x', 'bogus', 1);
INSERT INTO givetake.lexicon VALUES ('x', 'teaching', -1);

-- lexicon files are parsed by the library, with line numbers in errors
SELECT * FROM givetake.parse_lexicon(E'# my cues\nfoo bar\tteaching\t1.5\n\nbaz\tselling\t2\n');
SELECT * FROM givetake.parse_lexicon(E'foo\tteaching\t1\nbar\tteachin\t1\n');
INSERT INTO givetake.lexicon SELECT * FROM givetake.parse_lexicon(E'webinar series\tteaching\t3\n');
SELECT givetake.give_score('join our webinar series');

TRUNCATE givetake.lexicon;
SELECT givetake.classify('an onboarding call'), givetake.take_score('sale today') > 0 AS sale_takes;
