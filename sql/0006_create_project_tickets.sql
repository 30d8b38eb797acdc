-- Tickets the consumers sync from Bluestakes (issue 7). One row per ticket number, trimmed, at its
-- highest revision; `raw` keeps the whole upstream object so nothing is lost to the column choice.
-- `is_continue_update` belongs to the user once the row exists: syncs only ever set it on insert,
-- or to false once when a newer ticket replaces this one (`replaced_by` records that it happened).
CREATE TABLE IF NOT EXISTS project_tickets (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_number TEXT NOT NULL,
  company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  old_ticket TEXT,
  replaced_by TEXT,
  replace_by_date TIMESTAMP WITH TIME ZONE,
  legal_date TIMESTAMP WITH TIME ZONE,
  expires TIMESTAMP WITH TIME ZONE,
  is_continue_update BOOLEAN NOT NULL DEFAULT TRUE,
  place TEXT,
  street TEXT,
  st_from_address TEXT,
  st_to_address TEXT,
  cross1 TEXT,
  cross2 TEXT,
  county TEXT,
  state TEXT,
  zip TEXT,
  location_description TEXT,
  work_area JSONB,
  revision BIGINT NOT NULL DEFAULT 0,
  raw JSONB NOT NULL,
  responses JSONB NOT NULL DEFAULT '[]'::jsonb,
  synced_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  CONSTRAINT project_tickets_ticket_number_trimmed
    CHECK (ticket_number <> '' AND ticket_number = btrim(ticket_number))
);

-- A ticket number names one ticket upstream, whichever company asks.
CREATE UNIQUE INDEX IF NOT EXISTS uq_project_tickets_ticket_number
ON project_tickets(ticket_number);

-- Per-company reads (sync state, location, listing) and the replacement link.
CREATE INDEX IF NOT EXISTS idx_project_tickets_company_ticket
ON project_tickets(company_id, ticket_number);

CREATE INDEX IF NOT EXISTS idx_project_tickets_company_old_ticket
ON project_tickets(company_id, old_ticket) WHERE old_ticket IS NOT NULL;

-- The updateable-ticket scan: live tickets of a company by replace-by date.
CREATE INDEX IF NOT EXISTS idx_project_tickets_company_replace_by
ON project_tickets(company_id, replace_by_date) WHERE is_continue_update;
