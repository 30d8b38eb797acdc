-- The durable ticket sync: one job per company at a time, resumable from any point. A run spends the
-- upstream budget it is granted, saves its progress here after every call, and schedules its own
-- continuation when the next slot is further away than its deadline.
CREATE TABLE IF NOT EXISTS ticket_sync_jobs (
  company_id BIGINT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
  -- Bumped for every new job of the company; a job's ticket rows carry it.
  generation BIGINT NOT NULL DEFAULT 1,
  state TEXT NOT NULL,
  -- Where the job is: search pages, then the plan (what needs fetching), fetch, retire, check.
  step TEXT NOT NULL DEFAULT 'search',
  days_back INTEGER NOT NULL,
  -- Fixed when the job starts, so every run of the job searches the same window.
  window_start TIMESTAMP WITH TIME ZONE NOT NULL,
  window_end TIMESTAMP WITH TIME ZONE NOT NULL,
  search_offset INTEGER NOT NULL DEFAULT 0,
  pages INTEGER NOT NULL DEFAULT 0,
  -- Tickets asked about with /secondary-functions by this job (a resumed run does not ask again).
  checked_tickets JSONB NOT NULL DEFAULT '[]'::jsonb,
  upstream_calls INTEGER NOT NULL DEFAULT 0,
  fetched INTEGER NOT NULL DEFAULT 0,
  inserted INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  retired INTEGER NOT NULL DEFAULT 0,
  checked INTEGER NOT NULL DEFAULT 0,
  updatable INTEGER NOT NULL DEFAULT 0,
  -- The run in progress (a lease): another delivery leaves the job alone until run_until.
  run_id TEXT,
  run_until TIMESTAMP WITH TIME ZONE,
  -- The continuation message chain that owns the next run; other messages for a waiting job are dropped.
  wake_id TEXT,
  next_run_at TIMESTAMP WITH TIME ZONE,
  last_error TEXT,
  -- The company's credentials_version when the job started or was parked: a parked job restarts
  -- only once the credentials change.
  credentials_version BIGINT NOT NULL DEFAULT 0,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  finished_at TIMESTAMP WITH TIME ZONE,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  CONSTRAINT ticket_sync_jobs_state
    CHECK (state IN ('queued', 'running', 'waiting', 'done', 'failed', 'parked')),
  CONSTRAINT ticket_sync_jobs_step
    CHECK (step IN ('search', 'plan', 'fetch', 'retire', 'check', 'finish'))
);

-- What the job's search found (highest revision per trimmed number) and what is left to do for each:
-- `plan` (not compared with the store yet), `detail` (detail and responses), `responses` (same
-- revision, member responses still awaited), `done` or `skipped` (gone upstream).
CREATE TABLE IF NOT EXISTS ticket_sync_job_tickets (
  company_id BIGINT NOT NULL REFERENCES ticket_sync_jobs(company_id) ON DELETE CASCADE,
  ticket_number TEXT NOT NULL,
  generation BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  work TEXT NOT NULL DEFAULT 'plan',
  PRIMARY KEY (company_id, ticket_number),
  CONSTRAINT ticket_sync_job_tickets_work
    CHECK (work IN ('plan', 'detail', 'responses', 'done', 'skipped'))
);

-- The fetch step's queue: a job's tickets still to fetch.
CREATE INDEX IF NOT EXISTS idx_ticket_sync_job_tickets_pending
ON ticket_sync_job_tickets(company_id, generation, work)
WHERE work IN ('plan', 'detail', 'responses');
