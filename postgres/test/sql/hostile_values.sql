-- Extreme values: huge and degenerate texts, NaN and infinity, percentiles
-- out of range. Errors name the argument; results stay exact.

-- ack_time_percentile: p is named, NaN seconds is named
SELECT givetake.ack_time_percentile(s, 1.5) FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, 0) FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, -1) FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, 'NaN') FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, 'infinity') FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, s / 10.0) FROM generate_series(1, 10) s;
SELECT givetake.ack_time_percentile(s, 1) FROM generate_series(1, 10) s;
SELECT givetake.ack_time_stats('NaN'::float8);
SELECT givetake.ack_time_percentile('NaN', 0.5);
SELECT (givetake.ack_time_stats(s)).* FROM (VALUES ('-infinity'::float8), ('infinity'), (-5), (1e308)) v(s);
SELECT (givetake.ack_time_stats(s)).n FROM (VALUES (interval '1000000 years'), ('-5 days')) v(s);

-- texts: long, cue-dense, binary-ish, invalid
SELECT givetake.take_score(repeat('sale ', 200000)), givetake.classify(repeat('sale ', 200000));
SELECT count(*), min(cue), max("offset") FROM givetake.explain(repeat('order now ', 100000));
SELECT givetake.give_score(repeat('how to ', 100000) || 'fix it');
SELECT givetake.classify(repeat('x', 3000000)), givetake.first_name(repeat('1', 3000000) || ' Zed');
SELECT givetake.is_appreciative(repeat(' ', 3000000) || 'thanks'),
       givetake.is_personal(repeat('a ', 1500000) || 'Zed', 'Zed Q');
-- names across the 1 MB pieces long texts are cut into
SELECT givetake.first_name(repeat(' ', 1048570) || 'Zedekiah Q'),
       givetake.is_personal(repeat('x ', 524285) || 'ZEDEKIAH!', 'Zedekiah Q'),
       givetake.is_personal(repeat('x ', 524285) || 'Zedekiahs', 'Zedekiah Q'),
       givetake.is_personal('thanks Zed', repeat('1', 1048580) || ' Zed');
-- a number pattern spanning a 2 MB run of digits is one cue
SELECT count(*), max(length) FROM givetake.explain(repeat('9', 2000000) || '% off');
SELECT count(*), max(length) FROM givetake.explain('$' || repeat('9', 2000000));
SELECT givetake.take_score(E'\u0001\u0002 sale \u007f');
