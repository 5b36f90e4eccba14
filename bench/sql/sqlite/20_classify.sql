-- Classifies every text of gt_texts(id, body) into gt_class (docs/metrics.md §2).
-- regexp_matches(text, pattern) is registered from Python: a JSON array with
-- one [group1, group2] per match (like PostgreSQL's regexp_matches 'g').
DROP TABLE IF EXISTS gt_class;
CREATE TEMP TABLE gt_class AS
WITH hits AS (
  SELECT t.id,
         json_extract(j.value, '$[0]') IS NOT NULL AS negated,
         json_extract(j.value, '$[1]') AS m
  FROM gt_texts t,
       json_each(regexp_matches(t.body, CASE
         WHEN t.body REGEXP (SELECT pattern FROM gt_regex WHERE name = 'negation')
         THEN (SELECT pattern FROM gt_regex WHERE name = 'cue_negation')
         ELSE (SELECT pattern FROM gt_regex WHERE name = 'cue') END)) j
  UNION ALL
  -- structural cues: once per text, outside the overlap rule
  SELECT t.id, 0, g.phrase FROM gt_texts t JOIN gt_structural g ON t.body REGEXP g.pattern
  UNION ALL
  -- sentence-start cues: every sentence they open, outside the overlap rule
  SELECT t.id, 0, '<start> ' || json_extract(j.value, '$[0]')
  FROM gt_texts t, gt_start g, json_each(regexp_matches(t.body, g.pattern)) j
), scored AS (
  SELECT h.id,
         sum(CASE WHEN l.polarity > 0 AND NOT h.negated THEN l.weight ELSE 0 END) AS give_score,
         sum(CASE WHEN l.polarity < 0 AND NOT h.negated THEN l.weight ELSE 0 END) AS take_score
  FROM hits h
  JOIN gt_lex l ON l.phrase =
       CASE WHEN substr(h.m, 1, 1) IN ('$', '€', '£', '¥') THEN '<money>'
            WHEN substr(h.m, 1, 1) IN ('0','1','2','3','4','5','6','7','8','9','.',',')
                 AND instr(h.m, '%') > 0 THEN '<percent_off>'
            ELSE replace(lower(h.m), '’', '''') END
  GROUP BY h.id
)
SELECT t.id,
       coalesce(s.give_score, 0) AS give_score,
       coalesce(s.take_score, 0) AS take_score,
       CASE WHEN coalesce(s.give_score, 0) - coalesce(s.take_score, 0) >= 1 - 1e-9 THEN 'give'
            WHEN coalesce(s.take_score, 0) - coalesce(s.give_score, 0) >= 1 - 1e-9 THEN 'take'
            ELSE 'neutral' END AS label,
       regexp_count(t.body, (SELECT pattern FROM gt_regex WHERE name = 'we')) AS we_words,
       regexp_count(t.body, (SELECT pattern FROM gt_regex WHERE name = 'you')) AS you_words,
       coalesce(t.body REGEXP (SELECT pattern FROM gt_regex WHERE name = 'appreciative'), 0) AS appreciative
FROM gt_texts t LEFT JOIN scored s ON s.id = t.id;
