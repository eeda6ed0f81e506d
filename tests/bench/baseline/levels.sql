-- tests/bench/baseline/levels.sql — the hand-written SQL baseline of the benchmark (issue 6).
--
-- Computes, with plain aggregate queries on an attain database, the level (silver, gold
-- or none) every organisation reaches in each of the six shipped competencies
-- (policies/*.lua) at one evaluation time, and stores it in bench_baseline(oid,
-- competency, level) — one row per organisation x competency, level NULL for none, as
-- attain's own `result` table does. tests/bench/run times this file with the sqlite3 CLI
-- (after indexes.sql, timed on its own) and compares bench_baseline with `result`.
--
-- Placeholders, replaced by tests/bench/run before the file is run:
--   @T@  the evaluation time, Unix seconds (2026-11-25T00:00:00Z = 1795564800)
--   @M@  its month index, year * 12 + month - 1 (2026-11 = 24322)
--
-- The rules, the same as the host's (host/facts.c, stdlib/attain/*.lua, docs/policies.md):
-- - an achievement counts for the organisation of the user that its MSA's association in
--   force at T links it to (msa_link.started <= T and (ended IS NULL or ended > T)), from
--   24 h after the latest of earned, the association's start and the user's joining
--   (R6), not once the user left (left_at <= T, R8), not once expired (expires <= T);
-- - a.certified / a.assessed count distinct people (users) holding any of the codes, of
--   kind certification / assessment, plus `people` of every override for that
--   competency and one of those codes in force at T (valid_from NULL or <= T, T <
--   valid_until, R15);
-- - metric windows end with the month of T, inclusive: revenue and customers = sum over
--   `months` months; usage = that sum / months; seats = the value of the latest month
--   at or before the month of T (0 if none); missing months count 0;
-- - a path is met when all its goals are (have >= need); the level is gold if some gold
--   path is met, else silver if some silver path is met (stdlib/attain/competency.lua).
--
-- Shape: one pass over the holdings (achievement x association x user) keeps the
-- (organisation, code, kind, user) rows that count at T, in a temp table ordered by
-- organisation; then one INSERT ... SELECT per competency: GROUP BY organisation over
-- those rows, over its overrides and over its metrics (read through indexes.sql's
-- metric(name, oid, period, value) index, so no sort), LEFT JOINed to every
-- organisation. That was the fastest of the variants tried (docs/performance.md).
--
-- The IN lists below are on columns that lead no index range, and ANALYZE is never run
-- on a benchmark database (docs/store.md: SQLite 3.40.1's IN + range bug).

-- The same connection settings as attain's own (host/store.c).
PRAGMA cache_size = -65536;
PRAGMA temp_store = MEMORY;

DROP TABLE IF EXISTS bench_baseline;
CREATE TABLE bench_baseline (
  oid INTEGER NOT NULL,
  competency TEXT NOT NULL,
  level TEXT,
  PRIMARY KEY (oid, competency)) WITHOUT ROWID;

-- The holdings that count at T: one row per (organisation, code, kind, user).
CREATE TEMP TABLE bench_held (
  oid INTEGER NOT NULL, code TEXT NOT NULL, kind TEXT NOT NULL, uid INTEGER NOT NULL,
  PRIMARY KEY (oid, code, kind, uid)) WITHOUT ROWID;
INSERT OR IGNORE INTO bench_held (oid, code, kind, uid)
SELECT u.oid, a.code, a.kind, u.uid
FROM achievement a
JOIN msa_link l ON l.mid = a.mid
JOIN user u ON u.uid = l.uid
WHERE l.started <= @T@ AND (l.ended IS NULL OR l.ended > @T@)
  AND (u.left_at IS NULL OR u.left_at > @T@)
  AND (a.expires IS NULL OR a.expires > @T@)
  AND max(a.earned, l.started, coalesce(u.joined, a.earned)) + 86400 <= @T@;

-- Overrides in force at T (a view: flattened into each query, nothing materialised).
CREATE TEMP VIEW bench_override AS
SELECT oid, competency, code, people FROM override
WHERE (valid_from IS NULL OR valid_from <= @T@) AND valid_until > @T@;

BEGIN;

-- cloud-platform
--   silver consumption: certified 2 (AZURE) + revenue azure_consumed_revenue 12 m >= 15000
--   silver skills:      certified 3 (AZURE) + assessed 2 (TA-CLOUD)
--   gold consumption:   certified 4 (AZURE) + certified 1 (AZ-305) + revenue 12 m >= 60000
--   gold scale:         certified 5 (AZURE) + revenue 12 m >= 150000
--   AZURE = AZ-104, AZ-204, AZ-305
INSERT INTO bench_baseline (oid, competency, level)
WITH p AS (
  SELECT oid,
    count(DISTINCT CASE WHEN kind = 'certification' AND code IN ('AZ-104', 'AZ-204', 'AZ-305') THEN uid END)
      AS azure,
    count(DISTINCT CASE WHEN kind = 'certification' AND code = 'AZ-305' THEN uid END) AS az305,
    count(DISTINCT CASE WHEN kind = 'assessment' AND code = 'TA-CLOUD' THEN uid END) AS ta
  FROM bench_held
  WHERE code IN ('AZ-104', 'AZ-204', 'AZ-305', 'TA-CLOUD')
  GROUP BY oid),
o AS (
  SELECT oid,
    sum(CASE WHEN code IN ('AZ-104', 'AZ-204', 'AZ-305') THEN people ELSE 0 END) AS azure,
    sum(CASE WHEN code = 'AZ-305' THEN people ELSE 0 END) AS az305,
    sum(CASE WHEN code = 'TA-CLOUD' THEN people ELSE 0 END) AS ta
  FROM bench_override WHERE competency = 'cloud-platform'
  GROUP BY oid),
m AS (
  SELECT oid, sum(value) AS rev FROM metric
  WHERE name = 'azure_consumed_revenue' AND period BETWEEN @M@ - 11 AND @M@
  GROUP BY oid),
x AS (
  SELECT g.oid AS oid,
    coalesce(p.azure, 0) + coalesce(o.azure, 0) AS azure,
    coalesce(p.az305, 0) + coalesce(o.az305, 0) AS az305,
    coalesce(p.ta, 0) + coalesce(o.ta, 0) AS ta,
    coalesce(m.rev, 0) AS rev
  FROM org g LEFT JOIN p ON p.oid = g.oid LEFT JOIN o ON o.oid = g.oid
  LEFT JOIN m ON m.oid = g.oid)
SELECT oid, 'cloud-platform',
  CASE
    WHEN (azure >= 4 AND az305 >= 1 AND rev >= 60000) OR (azure >= 5 AND rev >= 150000)
      THEN 'gold'
    WHEN (azure >= 2 AND rev >= 15000) OR (azure >= 3 AND ta >= 2) THEN 'silver'
  END
FROM x;

-- data-analytics
--   silver revenue: certified 2 (DATA) + revenue data_analytics_revenue 12 m >= 10000
--   silver skills:  certified 3 (DATA) + assessed 2 (TA-DATA)
--   gold revenue:   certified 4 (DATA) + any(certified 1 (DP-203), certified 1 (DP-100))
--                   + revenue 12 m >= 50000
--   DATA = DP-203, DP-100, PL-300
INSERT INTO bench_baseline (oid, competency, level)
WITH p AS (
  SELECT oid,
    count(DISTINCT CASE WHEN kind = 'certification' AND code IN ('DP-203', 'DP-100', 'PL-300') THEN uid END)
      AS data,
    count(DISTINCT CASE WHEN kind = 'certification' AND code = 'DP-203' THEN uid END) AS dp203,
    count(DISTINCT CASE WHEN kind = 'certification' AND code = 'DP-100' THEN uid END) AS dp100,
    count(DISTINCT CASE WHEN kind = 'assessment' AND code = 'TA-DATA' THEN uid END) AS ta
  FROM bench_held
  WHERE code IN ('DP-203', 'DP-100', 'PL-300', 'TA-DATA')
  GROUP BY oid),
o AS (
  SELECT oid,
    sum(CASE WHEN code IN ('DP-203', 'DP-100', 'PL-300') THEN people ELSE 0 END) AS data,
    sum(CASE WHEN code = 'DP-203' THEN people ELSE 0 END) AS dp203,
    sum(CASE WHEN code = 'DP-100' THEN people ELSE 0 END) AS dp100,
    sum(CASE WHEN code = 'TA-DATA' THEN people ELSE 0 END) AS ta
  FROM bench_override WHERE competency = 'data-analytics'
  GROUP BY oid),
m AS (
  SELECT oid, sum(value) AS rev FROM metric
  WHERE name = 'data_analytics_revenue' AND period BETWEEN @M@ - 11 AND @M@
  GROUP BY oid),
x AS (
  SELECT g.oid AS oid,
    coalesce(p.data, 0) + coalesce(o.data, 0) AS data,
    coalesce(p.dp203, 0) + coalesce(o.dp203, 0) AS dp203,
    coalesce(p.dp100, 0) + coalesce(o.dp100, 0) AS dp100,
    coalesce(p.ta, 0) + coalesce(o.ta, 0) AS ta,
    coalesce(m.rev, 0) AS rev
  FROM org g LEFT JOIN p ON p.oid = g.oid LEFT JOIN o ON o.oid = g.oid
  LEFT JOIN m ON m.oid = g.oid)
SELECT oid, 'data-analytics',
  CASE
    WHEN data >= 4 AND (dp203 >= 1 OR dp100 >= 1) AND rev >= 50000 THEN 'gold'
    WHEN (data >= 2 AND rev >= 10000) OR (data >= 3 AND ta >= 2) THEN 'silver'
  END
FROM x;

-- security
--   silver revenue: certified 2 (SECURITY) + revenue security_revenue 12 m >= 12000
--   silver usage:   certified 2 (SECURITY) + usage security_active_usage avg 3 m >= 150
--   gold revenue:   certified 4 (SECURITY) + certified 1 (SC-100) + revenue 12 m >= 80000
--   gold usage:     certified 4 (SECURITY) + assessed 2 (TA-SECURITY) + usage avg 3 m >= 600
--   SECURITY = SC-200, SC-300, SC-100, AZ-500
INSERT INTO bench_baseline (oid, competency, level)
WITH p AS (
  SELECT oid,
    count(DISTINCT CASE WHEN kind = 'certification'
      AND code IN ('SC-200', 'SC-300', 'SC-100', 'AZ-500') THEN uid END) AS sec,
    count(DISTINCT CASE WHEN kind = 'certification' AND code = 'SC-100' THEN uid END) AS sc100,
    count(DISTINCT CASE WHEN kind = 'assessment' AND code = 'TA-SECURITY' THEN uid END) AS ta
  FROM bench_held
  WHERE code IN ('SC-200', 'SC-300', 'SC-100', 'AZ-500', 'TA-SECURITY')
  GROUP BY oid),
o AS (
  SELECT oid,
    sum(CASE WHEN code IN ('SC-200', 'SC-300', 'SC-100', 'AZ-500') THEN people ELSE 0 END)
      AS sec,
    sum(CASE WHEN code = 'SC-100' THEN people ELSE 0 END) AS sc100,
    sum(CASE WHEN code = 'TA-SECURITY' THEN people ELSE 0 END) AS ta
  FROM bench_override WHERE competency = 'security'
  GROUP BY oid),
m AS (
  SELECT oid, sum(value) AS rev FROM metric
  WHERE name = 'security_revenue' AND period BETWEEN @M@ - 11 AND @M@
  GROUP BY oid),
u AS (
  SELECT oid, sum(value) / 3.0 AS usage FROM metric
  WHERE name = 'security_active_usage' AND period BETWEEN @M@ - 2 AND @M@
  GROUP BY oid),
x AS (
  SELECT g.oid AS oid,
    coalesce(p.sec, 0) + coalesce(o.sec, 0) AS sec,
    coalesce(p.sc100, 0) + coalesce(o.sc100, 0) AS sc100,
    coalesce(p.ta, 0) + coalesce(o.ta, 0) AS ta,
    coalesce(m.rev, 0) AS rev, coalesce(u.usage, 0) AS usage
  FROM org g LEFT JOIN p ON p.oid = g.oid LEFT JOIN o ON o.oid = g.oid
  LEFT JOIN m ON m.oid = g.oid LEFT JOIN u ON u.oid = g.oid)
SELECT oid, 'security',
  CASE
    WHEN (sec >= 4 AND sc100 >= 1 AND rev >= 80000) OR (sec >= 4 AND ta >= 2 AND usage >= 600)
      THEN 'gold'
    WHEN (sec >= 2 AND rev >= 12000) OR (sec >= 2 AND usage >= 150) THEN 'silver'
  END
FROM x;

-- modern-workplace
--   silver seats: certified 2 (WORKPLACE) + seats m365_deployed_seats (latest) >= 200
--   silver usage: certified 2 (WORKPLACE) + assessed 1 (TA-MODERN-WORK)
--                 + usage m365_active_usage avg 3 m >= 150
--   gold seats:   certified 5 (WORKPLACE) + seats >= 800 + usage avg 3 m >= 400
--   WORKPLACE = MS-102, MD-102, MS-700, SC-300
INSERT INTO bench_baseline (oid, competency, level)
WITH p AS (
  SELECT oid,
    count(DISTINCT CASE WHEN kind = 'certification'
      AND code IN ('MS-102', 'MD-102', 'MS-700', 'SC-300') THEN uid END) AS work,
    count(DISTINCT CASE WHEN kind = 'assessment' AND code = 'TA-MODERN-WORK' THEN uid END) AS ta
  FROM bench_held
  WHERE code IN ('MS-102', 'MD-102', 'MS-700', 'SC-300', 'TA-MODERN-WORK')
  GROUP BY oid),
o AS (
  SELECT oid,
    sum(CASE WHEN code IN ('MS-102', 'MD-102', 'MS-700', 'SC-300') THEN people ELSE 0 END)
      AS work,
    sum(CASE WHEN code = 'TA-MODERN-WORK' THEN people ELSE 0 END) AS ta
  FROM bench_override WHERE competency = 'modern-workplace'
  GROUP BY oid),
-- latest month at or before the month of T: SQLite's max() aggregate takes the bare
-- column `value` from the row holding the maximum period.
s AS (
  SELECT oid, value AS seats, max(period) FROM metric
  WHERE name = 'm365_deployed_seats' AND period <= @M@
  GROUP BY oid),
u AS (
  SELECT oid, sum(value) / 3.0 AS usage FROM metric
  WHERE name = 'm365_active_usage' AND period BETWEEN @M@ - 2 AND @M@
  GROUP BY oid),
x AS (
  SELECT g.oid AS oid,
    coalesce(p.work, 0) + coalesce(o.work, 0) AS work,
    coalesce(p.ta, 0) + coalesce(o.ta, 0) AS ta,
    coalesce(s.seats, 0) AS seats, coalesce(u.usage, 0) AS usage
  FROM org g LEFT JOIN p ON p.oid = g.oid LEFT JOIN o ON o.oid = g.oid
  LEFT JOIN s ON s.oid = g.oid LEFT JOIN u ON u.oid = g.oid)
SELECT oid, 'modern-workplace',
  CASE
    WHEN work >= 5 AND seats >= 800 AND usage >= 400 THEN 'gold'
    WHEN (work >= 2 AND seats >= 200) OR (work >= 2 AND ta >= 1 AND usage >= 150) THEN 'silver'
  END
FROM x;

-- application-development
--   silver customers: certified 2 (APPDEV) + customers appdev_new_customers 12 m >= 5
--   silver skills:    certified 2 (APPDEV) + assessed 3 (TA-APPDEV)
--   gold customers:   certified 4 (APPDEV) + customers 12 m >= 20
--   APPDEV = AZ-204, PL-400, AZ-400
INSERT INTO bench_baseline (oid, competency, level)
WITH p AS (
  SELECT oid,
    count(DISTINCT CASE WHEN kind = 'certification' AND code IN ('AZ-204', 'PL-400', 'AZ-400') THEN uid END)
      AS dev,
    count(DISTINCT CASE WHEN kind = 'assessment' AND code = 'TA-APPDEV' THEN uid END) AS ta
  FROM bench_held
  WHERE code IN ('AZ-204', 'PL-400', 'AZ-400', 'TA-APPDEV')
  GROUP BY oid),
o AS (
  SELECT oid,
    sum(CASE WHEN code IN ('AZ-204', 'PL-400', 'AZ-400') THEN people ELSE 0 END) AS dev,
    sum(CASE WHEN code = 'TA-APPDEV' THEN people ELSE 0 END) AS ta
  FROM bench_override WHERE competency = 'application-development'
  GROUP BY oid),
m AS (
  SELECT oid, sum(value) AS cust FROM metric
  WHERE name = 'appdev_new_customers' AND period BETWEEN @M@ - 11 AND @M@
  GROUP BY oid),
x AS (
  SELECT g.oid AS oid,
    coalesce(p.dev, 0) + coalesce(o.dev, 0) AS dev,
    coalesce(p.ta, 0) + coalesce(o.ta, 0) AS ta,
    coalesce(m.cust, 0) AS cust
  FROM org g LEFT JOIN p ON p.oid = g.oid LEFT JOIN o ON o.oid = g.oid
  LEFT JOIN m ON m.oid = g.oid)
SELECT oid, 'application-development',
  CASE
    WHEN dev >= 4 AND cust >= 20 THEN 'gold'
    WHEN (dev >= 2 AND cust >= 5) OR (dev >= 2 AND ta >= 3) THEN 'silver'
  END
FROM x;

-- devops
--   silver revenue: certified 2 (DEVOPS) + revenue devops_revenue 12 m >= 10000
--   silver skills:  certified 1 (AZ-400) + assessed 3 (TA-DEVOPS)
--   gold revenue:   certified 4 (DEVOPS) + certified 2 (AZ-400) + revenue 12 m >= 40000
--   DEVOPS = AZ-400, AZ-104, AZ-204
INSERT INTO bench_baseline (oid, competency, level)
WITH p AS (
  SELECT oid,
    count(DISTINCT CASE WHEN kind = 'certification' AND code IN ('AZ-400', 'AZ-104', 'AZ-204') THEN uid END)
      AS ops,
    count(DISTINCT CASE WHEN kind = 'certification' AND code = 'AZ-400' THEN uid END) AS az400,
    count(DISTINCT CASE WHEN kind = 'assessment' AND code = 'TA-DEVOPS' THEN uid END) AS ta
  FROM bench_held
  WHERE code IN ('AZ-400', 'AZ-104', 'AZ-204', 'TA-DEVOPS')
  GROUP BY oid),
o AS (
  SELECT oid,
    sum(CASE WHEN code IN ('AZ-400', 'AZ-104', 'AZ-204') THEN people ELSE 0 END) AS ops,
    sum(CASE WHEN code = 'AZ-400' THEN people ELSE 0 END) AS az400,
    sum(CASE WHEN code = 'TA-DEVOPS' THEN people ELSE 0 END) AS ta
  FROM bench_override WHERE competency = 'devops'
  GROUP BY oid),
m AS (
  SELECT oid, sum(value) AS rev FROM metric
  WHERE name = 'devops_revenue' AND period BETWEEN @M@ - 11 AND @M@
  GROUP BY oid),
x AS (
  SELECT g.oid AS oid,
    coalesce(p.ops, 0) + coalesce(o.ops, 0) AS ops,
    coalesce(p.az400, 0) + coalesce(o.az400, 0) AS az400,
    coalesce(p.ta, 0) + coalesce(o.ta, 0) AS ta,
    coalesce(m.rev, 0) AS rev
  FROM org g LEFT JOIN p ON p.oid = g.oid LEFT JOIN o ON o.oid = g.oid
  LEFT JOIN m ON m.oid = g.oid)
SELECT oid, 'devops',
  CASE
    WHEN ops >= 4 AND az400 >= 2 AND rev >= 40000 THEN 'gold'
    WHEN (ops >= 2 AND rev >= 10000) OR (az400 >= 1 AND ta >= 3) THEN 'silver'
  END
FROM x;

COMMIT;
