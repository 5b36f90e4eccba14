-- Classifies every text of gt_texts(id, body) into gt_class (docs/metrics.md §2):
-- give/take scores from the lexicon regex, label, we/you words, appreciative.
DROP TABLE IF EXISTS gt_class;
CREATE TEMP TABLE gt_class AS
SELECT t.id,
       s.give_score, s.take_score,
       CASE WHEN s.give_score - s.take_score >= 1 - 1e-9 THEN 'give'
            WHEN s.take_score - s.give_score >= 1 - 1e-9 THEN 'take'
            ELSE 'neutral' END AS label,
       gt_we_words(t.body) AS we_words,
       gt_you_words(t.body) AS you_words,
       gt_appreciative(t.body) AS appreciative
FROM gt_texts t
CROSS JOIN LATERAL (
  SELECT coalesce(sum(l.weight) FILTER (WHERE l.polarity > 0 AND NOT h.negated), 0) AS give_score,
         coalesce(sum(l.weight) FILTER (WHERE l.polarity < 0 AND NOT h.negated), 0) AS take_score
  FROM gt_cue_hits(t.body) h JOIN gt_lex l ON l.phrase = h.phrase
) s;
