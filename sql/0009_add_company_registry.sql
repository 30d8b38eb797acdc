-- The company registry behind POST/GET/PATCH /companies. An existing companies table from the
-- original system may lack the name and creation time, so both are added when missing.
-- `enabled = false` stops logins (the lease statement requires it) and syncs.
-- `credentials_absent_version` is the credentials_version at which the company last had no
-- credentials (created, or its credentials deleted): it has credentials while credentials_version is
-- above it. credentials_version itself only ever grows, so a container's cached credentials can
-- never match a later company's or a later secret's version.
ALTER TABLE companies
ADD COLUMN IF NOT EXISTS name TEXT NOT NULL DEFAULT '',
ADD COLUMN IF NOT EXISTS created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
ADD COLUMN IF NOT EXISTS enabled BOOLEAN NOT NULL DEFAULT TRUE,
ADD COLUMN IF NOT EXISTS credentials_absent_version BIGINT NOT NULL DEFAULT 0,
ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP WITH TIME ZONE;

-- Companies that may sync: the fan-out reads exactly this set.
CREATE INDEX IF NOT EXISTS idx_companies_syncable
ON companies(id) WHERE enabled AND credentials_version > credentials_absent_version;
