-- Classifies every text of gt_texts(id, body) into gt_class (docs/metrics.md §2).
-- Tokens come from gt_tokens() on gt_prep() text (00_lexicon.sql); the gaps
-- are only extracted for texts that contain a negation word.
CREATE OR REPLACE TEMP TABLE gt_class AS
WITH p AS (
  SELECT id, body, gt_prep(body) AS d FROM gt_texts
), l AS (
  SELECT id, d, gt_tokens(d, 2) AS toks,
         CASE WHEN gt_has_negation(d) THEN gt_tokens(d, 1) END AS gaps
  FROM p
), t AS (
  SELECT id, unnest(toks) AS tok, unnest(gaps) AS gap, unnest(range(1, len(toks) + 1)) AS i
  FROM l
), k AS (
  SELECT t.id, t.i, s.polarity, s.weight, s.is_negation,
         coalesce(gt_words(t.gap), 0) AS gw,
         CASE WHEN t.gap IS NULL THEN 0 ELSE gt_words(t.tok) END AS tw
  FROM t JOIN gt_lex_skel s ON s.skel = gt_skel(t.tok)
  WHERE t.tok <> ''
), c AS (
  -- cum = words up to the end of this token; neg_end = cum at the end of
  -- the newest earlier negation word
  SELECT *, max(CASE WHEN is_negation THEN cum END) OVER (
              PARTITION BY id ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS neg_end
  FROM (SELECT *, sum(gw + tw) OVER (PARTITION BY id ORDER BY i) AS cum FROM k)
), scored AS (
  SELECT id,
         sum(CASE WHEN polarity > 0 AND NOT negated THEN weight ELSE 0 END) AS give_score,
         sum(CASE WHEN polarity < 0 AND NOT negated THEN weight ELSE 0 END) AS take_score
  FROM (SELECT id, polarity, weight, coalesce(cum - tw - neg_end <= 2, false) AS negated
        FROM c WHERE NOT is_negation
        UNION ALL
        -- structural cues: once per text, outside the overlap rule
        SELECT p.id, s.polarity, s.weight, false
        FROM p JOIN gt_structural g ON regexp_matches(p.body, g.pattern)
               JOIN gt_lex_skel s ON s.skel = g.phrase
        UNION ALL
        -- sentence-start cues: every sentence they open, outside the overlap rule
        SELECT h.id, s.polarity, s.weight, false
        FROM (SELECT id, unnest(gt_start_hits(gt_mark_starts(body))) AS m FROM p) h
        JOIN gt_lex_skel s ON s.skel = '<start> ' || replace(lower(h.m), '’', ''''))
  GROUP BY id
)
SELECT p.id,
       coalesce(s.give_score, 0) AS give_score,
       coalesce(s.take_score, 0) AS take_score,
       CASE WHEN coalesce(s.give_score, 0) - coalesce(s.take_score, 0) >= 1 - 1e-9 THEN 'give'
            WHEN coalesce(s.take_score, 0) - coalesce(s.give_score, 0) >= 1 - 1e-9 THEN 'take'
            ELSE 'neutral' END AS label,
       coalesce(gt_we_words(p.d), 0) AS we_words,
       coalesce(gt_you_words(p.d), 0) AS you_words,
       gt_appreciative(p.body) AS appreciative
FROM p LEFT JOIN scored s ON s.id = p.id;
