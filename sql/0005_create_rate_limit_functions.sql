-- One call per upstream request decides, under the row lock, whether a slot is free in the sliding
-- log of the last calls for a key (exact for any window alignment). The time is read after the lock
-- is taken, so the log is appended in order even when callers queue on the row.
CREATE OR REPLACE FUNCTION bluestakes_rate_limit_take(p_key TEXT, p_limit BIGINT, p_window_ms BIGINT)
RETURNS TABLE (allowed BOOLEAN, retry_after_ms BIGINT, hits_in_window INTEGER)
LANGUAGE plpgsql
AS $$
DECLARE
  v_window INTERVAL := make_interval(secs => p_window_ms / 1000.0);
  v_now TIMESTAMP WITH TIME ZONE;
  v_blocked_until TIMESTAMP WITH TIME ZONE;
  v_hits TIMESTAMP WITH TIME ZONE[];
  v_count INTEGER;
BEGIN
  INSERT INTO bluestakes_rate_limits (key) VALUES (p_key) ON CONFLICT (key) DO NOTHING;
  SELECT r.blocked_until, r.hits INTO v_blocked_until, v_hits
  FROM bluestakes_rate_limits r WHERE r.key = p_key FOR UPDATE;
  v_now := clock_timestamp();
  SELECT coalesce(array_agg(h ORDER BY h), '{}') INTO v_hits FROM unnest(v_hits) AS h WHERE h > v_now - v_window;
  v_count := cardinality(v_hits);

  IF v_blocked_until IS NOT NULL AND v_blocked_until > v_now THEN
    UPDATE bluestakes_rate_limits SET hits = v_hits, updated_at = v_now WHERE key = p_key;
    RETURN QUERY SELECT false, ceil(extract(epoch FROM v_blocked_until - v_now) * 1000)::bigint, v_count;
  ELSIF v_count >= p_limit THEN
    UPDATE bluestakes_rate_limits SET hits = v_hits, updated_at = v_now WHERE key = p_key;
    RETURN QUERY SELECT false,
      greatest(1, ceil(extract(epoch FROM (v_hits[(v_count - p_limit + 1)::integer] + v_window) - v_now) * 1000))::bigint,
      v_count;
  ELSE
    UPDATE bluestakes_rate_limits SET hits = v_hits || v_now, updated_at = v_now WHERE key = p_key;
    RETURN QUERY SELECT true, 0::bigint, v_count + 1;
  END IF;
END
$$;
