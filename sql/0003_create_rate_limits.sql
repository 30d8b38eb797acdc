-- Fleet-wide upstream rate limit (DESIGN.md section 6): a sliding log of the last calls per key,
-- plus a block set from an upstream 429's Retry-After. last_allowed / last_retry_after_ms hold the
-- decision of the statement that last touched the row, so one upsert can both decide and report.
CREATE TABLE IF NOT EXISTS bluestakes_rate_limits (
  key TEXT PRIMARY KEY,
  hits TIMESTAMP WITH TIME ZONE[] NOT NULL DEFAULT '{}',
  blocked_until TIMESTAMP WITH TIME ZONE,
  last_allowed BOOLEAN NOT NULL DEFAULT FALSE,
  last_retry_after_ms BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_bluestakes_rate_limits_updated
ON bluestakes_rate_limits(updated_at);
