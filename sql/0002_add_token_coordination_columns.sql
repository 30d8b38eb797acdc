-- Fleet-wide coordination state beside the token (DESIGN.md section 5): a version bumped on every
-- new token, the refresh deadline, a lease with a fencing counter, login failure hold, credentials
-- version, a per-company TTL override and the last use (for pre-refresh of active companies).
ALTER TABLE companies
ADD COLUMN IF NOT EXISTS bluestakes_token_version BIGINT NOT NULL DEFAULT 0,
ADD COLUMN IF NOT EXISTS bluestakes_token_refresh_at TIMESTAMP WITH TIME ZONE,
ADD COLUMN IF NOT EXISTS bluestakes_token_issued_at TIMESTAMP WITH TIME ZONE,
ADD COLUMN IF NOT EXISTS bluestakes_token_fingerprint TEXT,
ADD COLUMN IF NOT EXISTS token_lease_owner TEXT,
ADD COLUMN IF NOT EXISTS token_lease_until TIMESTAMP WITH TIME ZONE,
ADD COLUMN IF NOT EXISTS token_lease_fence BIGINT NOT NULL DEFAULT 0,
ADD COLUMN IF NOT EXISTS login_failure_count INTEGER NOT NULL DEFAULT 0,
ADD COLUMN IF NOT EXISTS login_hold_until TIMESTAMP WITH TIME ZONE,
ADD COLUMN IF NOT EXISTS login_hold_reason TEXT,
ADD COLUMN IF NOT EXISTS credentials_version BIGINT NOT NULL DEFAULT 0,
ADD COLUMN IF NOT EXISTS bluestakes_account_key TEXT,
ADD COLUMN IF NOT EXISTS token_ttl_seconds INTEGER,
ADD COLUMN IF NOT EXISTS token_last_used_at TIMESTAMP WITH TIME ZONE;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'companies_token_ttl_seconds_positive') THEN
    ALTER TABLE companies
    ADD CONSTRAINT companies_token_ttl_seconds_positive CHECK (token_ttl_seconds IS NULL OR token_ttl_seconds > 0);
  END IF;
END
$$;

CREATE INDEX IF NOT EXISTS idx_companies_token_last_used
ON companies(token_last_used_at) WHERE token_last_used_at IS NOT NULL;
