-- tests/bench/baseline/indexes.sql — the one index the SQL baseline (levels.sql) adds to
-- a benchmark database. tests/bench/run times it separately from levels.sql.
--
-- metric's primary key is (oid, name, period): a per-metric window would scan all
-- metrics. With (name, oid, ...) each competency reads only its metric's rows, already
-- in organisation order (no sort for GROUP BY oid); `value` makes it covering.
-- The holdings need no index: levels.sql scans achievement once and looks up msa_link
-- and user by their primary keys.
PRAGMA cache_size = -65536;
PRAGMA temp_store = MEMORY;
CREATE INDEX IF NOT EXISTS bench_metric_name ON metric(name, oid, period, value);
