-- An upstream 429 teaches the shared limiter that the account's real budget is lower than configured.
-- learned_limit is the budget set by the last such lesson, learned_at when; one step of it is given
-- back per 10 windows without a 429 (slow recovery), so a temporary squeeze does not last for good.
ALTER TABLE bluestakes_rate_limits
  ADD COLUMN IF NOT EXISTS learned_limit INTEGER,
  ADD COLUMN IF NOT EXISTS learned_at TIMESTAMP WITH TIME ZONE;

-- The budget in force at p_now: the configured limit, or the learned one plus what it recovered.
CREATE OR REPLACE FUNCTION bluestakes_rate_limit_in_force(
  p_limit BIGINT, p_learned INTEGER, p_learned_at TIMESTAMP WITH TIME ZONE, p_window_ms BIGINT,
  p_now TIMESTAMP WITH TIME ZONE)
RETURNS BIGINT
LANGUAGE sql
IMMUTABLE
AS $$
  SELECT CASE
    WHEN p_learned IS NULL OR p_learned_at IS NULL THEN p_limit
    ELSE LEAST(p_limit, p_learned + floor(greatest(0, extract(epoch FROM p_now - p_learned_at)) * 1000
                                          / (greatest(p_window_ms, 1) * 10))::bigint)
  END
$$;

-- The take of 0005, deciding against the budget in force; it also reports that budget. The result
-- gains a column, which CREATE OR REPLACE cannot do, hence the drop (callers select columns by name).
DROP FUNCTION IF EXISTS bluestakes_rate_limit_take(TEXT, BIGINT, BIGINT);
CREATE FUNCTION bluestakes_rate_limit_take(p_key TEXT, p_limit BIGINT, p_window_ms BIGINT)
RETURNS TABLE (allowed BOOLEAN, retry_after_ms BIGINT, hits_in_window INTEGER, limit_in_force BIGINT)
LANGUAGE plpgsql
AS $$
DECLARE
  v_window INTERVAL := make_interval(secs => p_window_ms / 1000.0);
  v_now TIMESTAMP WITH TIME ZONE;
  v_blocked_until TIMESTAMP WITH TIME ZONE;
  v_hits TIMESTAMP WITH TIME ZONE[];
  v_learned INTEGER;
  v_learned_at TIMESTAMP WITH TIME ZONE;
  v_limit BIGINT;
  v_count INTEGER;
BEGIN
  INSERT INTO bluestakes_rate_limits (key) VALUES (p_key) ON CONFLICT (key) DO NOTHING;
  SELECT r.blocked_until, r.hits, r.learned_limit, r.learned_at
  INTO v_blocked_until, v_hits, v_learned, v_learned_at
  FROM bluestakes_rate_limits r WHERE r.key = p_key FOR UPDATE;
  v_now := clock_timestamp();
  v_limit := bluestakes_rate_limit_in_force(p_limit, v_learned, v_learned_at, p_window_ms, v_now);
  SELECT coalesce(array_agg(h ORDER BY h), '{}') INTO v_hits FROM unnest(v_hits) AS h WHERE h > v_now - v_window;
  v_count := cardinality(v_hits);

  IF v_blocked_until IS NOT NULL AND v_blocked_until > v_now THEN
    UPDATE bluestakes_rate_limits SET hits = v_hits, updated_at = v_now WHERE key = p_key;
    RETURN QUERY SELECT false, ceil(extract(epoch FROM v_blocked_until - v_now) * 1000)::bigint, v_count, v_limit;
  ELSIF v_count >= v_limit THEN
    UPDATE bluestakes_rate_limits SET hits = v_hits, updated_at = v_now WHERE key = p_key;
    RETURN QUERY SELECT false,
      greatest(1, ceil(extract(epoch FROM (v_hits[(v_count - v_limit + 1)::integer] + v_window) - v_now) * 1000))::bigint,
      v_count, v_limit;
  ELSE
    UPDATE bluestakes_rate_limits SET hits = v_hits || v_now, updated_at = v_now WHERE key = p_key;
    RETURN QUERY SELECT true, 0::bigint, v_count + 1, v_limit;
  END IF;
END
$$;

-- An upstream 429: pause the key for Retry-After and, with p_learn, lower its budget to one below the
-- calls it made in the window (the call that met the 429 holds one of them). Only the first 429 of a
-- burst teaches: while the pause it set is active, concurrent 429s (calls already in flight) do not
-- lower the budget again. Returns the budget in force afterwards.
CREATE OR REPLACE FUNCTION bluestakes_rate_limit_block(
  p_key TEXT, p_seconds DOUBLE PRECISION, p_learn BOOLEAN, p_limit BIGINT, p_window_ms BIGINT)
RETURNS BIGINT
LANGUAGE plpgsql
AS $$
DECLARE
  v_window INTERVAL := make_interval(secs => p_window_ms / 1000.0);
  v_now TIMESTAMP WITH TIME ZONE;
  v_blocked_until TIMESTAMP WITH TIME ZONE;
  v_hits TIMESTAMP WITH TIME ZONE[];
  v_learned INTEGER;
  v_learned_at TIMESTAMP WITH TIME ZONE;
  v_limit BIGINT;
  v_count INTEGER;
BEGIN
  INSERT INTO bluestakes_rate_limits (key) VALUES (p_key) ON CONFLICT (key) DO NOTHING;
  SELECT r.blocked_until, r.hits, r.learned_limit, r.learned_at
  INTO v_blocked_until, v_hits, v_learned, v_learned_at
  FROM bluestakes_rate_limits r WHERE r.key = p_key FOR UPDATE;
  v_now := clock_timestamp();
  v_limit := bluestakes_rate_limit_in_force(p_limit, v_learned, v_learned_at, p_window_ms, v_now);
  IF p_learn AND (v_blocked_until IS NULL OR v_blocked_until <= v_now) THEN
    SELECT count(*) INTO v_count FROM unnest(v_hits) AS h WHERE h > v_now - v_window;
    v_limit := greatest(1, least(v_limit, v_count) - 1);
    UPDATE bluestakes_rate_limits SET learned_limit = v_limit, learned_at = v_now WHERE key = p_key;
  END IF;
  UPDATE bluestakes_rate_limits
  SET blocked_until = greatest(coalesce(blocked_until, v_now), v_now + make_interval(secs => p_seconds)),
      updated_at = v_now
  WHERE key = p_key;
  RETURN v_limit;
END
$$;

-- Companies that share one Bluestakes account share its token: found by the account key.
CREATE INDEX IF NOT EXISTS idx_companies_account_key
ON companies(bluestakes_account_key) WHERE bluestakes_account_key IS NOT NULL;
