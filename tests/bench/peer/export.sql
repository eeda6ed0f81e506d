-- tests/bench/peer/export.sql — every organisation's raw facts, one JSON object per line, for
-- the benchmark's peer (tests/bench/peer/peer.js; docs/performance.md). Run with the sqlite3
-- CLI on an imported attain database; written to a file before anything is timed.
--
--   {"org":"o000001",
--    "holdings":[[user, code, kind, earned, started, ended, joined, left, expires], ...],
--    "metrics":{"azure_consumed_revenue":[[period, value], ...], ...},
--    "overrides":[[competency, code, people, from, until], ...]}
--
-- holdings: every achievement of every MSA, once per association of that MSA with a user of
-- the organisation (msa_link.oid), with the association's start and end (null while in force)
-- and the user's joining and leaving dates (null if none): the facts as stored, before any
-- counting rule. metrics: every month of every metric (period = year * 12 + month - 1).
-- overrides: all of them, in force or not (from null: always). Times are Unix seconds. The
-- peer applies R6-R8, R11, R15 and the windows itself, at the evaluation time it is given.
--
-- The subqueries' JSON is wrapped in json() where it is read again: SQLite does not keep a
-- value's JSON subtype across a subquery, and would quote it as a string.
.mode list
.headers off
WITH h AS (
  SELECT l.oid AS oid,
    json_group_array(json_array(u.uid, a.code, a.kind, a.earned, l.started, l.ended, u.joined,
                                u.left_at, a.expires)) AS holdings
  FROM msa_link l
  JOIN achievement a ON a.mid = l.mid
  JOIN user u ON u.uid = l.uid
  GROUP BY l.oid),
ms AS (
  SELECT oid, name, json_group_array(json_array(period, value)) AS series
  FROM metric GROUP BY oid, name),
m AS (
  SELECT oid, json_group_object(name, json(series)) AS metrics FROM ms GROUP BY oid),
o AS (
  SELECT oid,
    json_group_array(json_array(competency, code, people, valid_from, valid_until)) AS overrides
  FROM override GROUP BY oid)
SELECT json_object('org', g.key,
  'holdings', json(coalesce(h.holdings, '[]')),
  'metrics', json(coalesce(m.metrics, '{}')),
  'overrides', json(coalesce(o.overrides, '[]')))
FROM org g
LEFT JOIN h ON h.oid = g.oid
LEFT JOIN m ON m.oid = g.oid
LEFT JOIN o ON o.oid = g.oid
ORDER BY g.oid;
