-- gen_interactions(n, accounts): n deterministic interactions in the spec's
-- columns, for the shard check and the benchmarks. Groups of four rows per
-- account: an inbound comment/mention/message/reply, the brand's answer to
-- it (80 %, after 0..5.5 h), a brand post or share, and an inbound like,
-- lead or purchase. Short posts from a fixed set of bodies.
CREATE OR REPLACE FUNCTION gen_interactions(n bigint, accounts int DEFAULT 100)
RETURNS TABLE (id bigint, account_id bigint, contact_id bigint, parent_id bigint,
               channel text, kind text, inbound boolean, automated boolean, has_media boolean,
               created_at timestamptz, author_name text, body text, value float8)
LANGUAGE sql IMMUTABLE AS $$
SELECT g,
       acct,
       CASE WHEN r = 2 THEN NULL ELSE acct * 1000 + ((g / 4) / accounts) % 50 END,
       CASE WHEN r = 1 AND h % 5 <> 0 THEN g - 1 END,
       (ARRAY['twitter', 'facebook', 'instagram', 'linkedin', 'other'])[1 + (g / 4) % 5],
       CASE r WHEN 0 THEN (ARRAY['mention', 'comment', 'message', 'reply'])[1 + (h / 3) % 4]
              WHEN 1 THEN 'reply'
              WHEN 2 THEN (ARRAY['post', 'share'])[1 + (h / 11) % 2]
              ELSE (ARRAY['like', 'lead', 'purchase'])[1 + (h / 13) % 3] END,
       r IN (0, 3),
       h % 17 = 0,
       h % 3 = 0,
       timestamptz '2024-01-01 00:00+00' + (g / 4) * interval '97 seconds'
         + CASE r WHEN 0 THEN 0 WHEN 1 THEN h % 20000 WHEN 2 THEN 30 ELSE 60 END * interval '1 second',
       (ARRAY['Anna Lee', 'Bob', 'J. Smith', 'José', 'Kim', NULL])[1 + (h / 5) % 6],
       (ARRAY['Here''s how to fix the login bug: a quick guide for you',
              'Huge SALE! 20% off everything, order now',
              'We are proud to announce our new product',
              'Thanks Anna, happy to help!',
              'Tips: 5 ways to learn SQL faster',
              'Shop now, free shipping on orders over $50',
              'What do you think about our latest release?',
              'my order is late, can you check?',
              'thank you so much for the quick answer Bob',
              'Congrats to our community winners, kudos!',
              'Limited time deal: use promo code SAVE10',
              'just a normal day at the office'])[1 + (h / 19) % 12],
       CASE WHEN r = 3 THEN ((h / 23) % 100)::float8 ELSE 0 END
FROM generate_series(1, n) AS g,
     LATERAL (SELECT (g * 2654435761) % 4294967296 AS h, g % 4 AS r,
                     (g / 4) % accounts + 1 AS acct) AS x
$$;
