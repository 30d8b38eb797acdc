-- Audit of every login, login failure, invalidation and clear. No token or password is stored:
-- only a short fingerprint of the token.
CREATE TABLE IF NOT EXISTS token_auth_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id BIGINT NOT NULL,
  event TEXT NOT NULL,
  token_version BIGINT,
  token_fingerprint TEXT,
  detail TEXT,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_token_auth_events_created
ON token_auth_events(created_at);

CREATE INDEX IF NOT EXISTS idx_token_auth_events_company
ON token_auth_events(company_id, created_at);
