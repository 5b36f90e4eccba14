-- Per-text functions on hand-made texts (expected values from
-- docs/metrics.md section 2 and the built-in lexicon, whose weights are
-- learned: docs/classifier.md).
SET givetake.lexicon_mode = 'builtin';

-- give: "here's how" + "fix" are helping cues; nothing takes
SELECT givetake.classify('Here''s how to fix it: restart the router, then wait two minutes.'),
       givetake.give_score('Here''s how to fix it: restart the router, then wait two minutes.') > 0 AS gives,
       givetake.take_score('Here''s how to fix it: restart the router, then wait two minutes.') AS take;

-- take: huge + sale + 20% off + order now + $19.99, all take cues
SELECT givetake.classify('Huge SALE! 20% off everything, order now $19.99'),
       givetake.give_score('Huge SALE! 20% off everything, order now $19.99') AS give,
       round(givetake.take_score('Huge SALE! 20% off everything, order now $19.99')::numeric, 2) AS take;
SELECT cue, category FROM givetake.explain('Huge SALE! 20% off everything, order now $19.99');

-- neutral: no cue at all, or faint cues on both sides
SELECT givetake.classify('Lorem ipsum dolor'), givetake.give_score('Lorem ipsum dolor'),
       givetake.take_score('Lorem ipsum dolor');
SELECT givetake.classify('just a normal day at the office');

-- hashtags match (#sale is the cue sale, plus the <hashtag> pattern);
-- matching is ASCII case-insensitive
SELECT cue, "offset", length FROM givetake.explain('#sale');
SELECT cue, "offset", length FROM givetake.explain('SALE');

-- negation window: "no purchase necessary" does not take
SELECT givetake.take_score('no purchase necessary') AS negated;

-- explain lists matched spans with byte offsets (the é is 2 bytes)
SELECT * FROM givetake.explain('café sale: order now');
SELECT count(*) FROM givetake.explain('Lorem ipsum dolor');

-- NULL in, NULL out for the text functions
SELECT givetake.classify(NULL) IS NULL AS c, givetake.give_score(NULL) IS NULL AS g,
       givetake.take_score(NULL) IS NULL AS t, givetake.first_name(NULL) IS NULL AS f;
SELECT count(*) FROM givetake.explain(NULL);

-- first names: first run of >= 2 letters; non-ASCII letters count
SELECT givetake.first_name('Anna Lee'), givetake.first_name('J. Smith'),
       givetake.first_name('José María'), givetake.first_name('@1 x'), givetake.first_name('');

-- personal: first name as a whole word, ASCII case-insensitive only
SELECT givetake.is_personal('Thanks anna!', 'Anna Lee') AS word,
       givetake.is_personal('Thanks Annabel', 'Anna Lee') AS prefix,
       givetake.is_personal('gracias josé', 'José') AS nonascii_same,
       givetake.is_personal('gracias JOSÉ', 'José') AS nonascii_upper,
       givetake.is_personal('hi there', 'J.') AS no_name,
       givetake.is_personal(NULL, 'Anna') AS null_reply,
       givetake.is_personal('hi Anna', NULL) AS null_author;

-- appreciative: thank*/appreciat*/grateful*, thx, three phrases
SELECT givetake.is_appreciative('Thank you!') AS thank,
       givetake.is_appreciative('we appreciate it') AS appreciate,
       givetake.is_appreciative('thx') AS thx,
       givetake.is_appreciative('good catch') AS good_catch,
       givetake.is_appreciative('great questions') AS plural_phrase,
       givetake.is_appreciative('unthankful') AS inner_word,
       givetake.is_appreciative(NULL) AS null_text;

-- invalid UTF-8 cannot reach the functions in a UTF-8 database; the
-- library version is reported
SELECT givetake.version() ~ '^\d+\.\d+\.\d+$' AS version_ok;
-- No cue inside an @handle, an e-mail address, a link or a closing signature.
SELECT cue, category FROM givetake.explain('Thanks @big_sale_deals, see example.com/sale or mail sale@example.com -AD');
SELECT givetake.classify('Please DM us your account details so we can look into it. -AD');
