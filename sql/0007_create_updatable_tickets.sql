-- Tickets Bluestakes said may be updated now (`/secondary-functions` answered update: true), found
-- by the sync among live tickets due within 7 days. One row per company and ticket: found_at keeps
-- the first sighting.
CREATE TABLE IF NOT EXISTS updatable_tickets (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  ticket_number TEXT NOT NULL,
  replace_by_date TIMESTAMP WITH TIME ZONE,
  found_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  CONSTRAINT uq_updatable_tickets_company_ticket UNIQUE (company_id, ticket_number)
);

-- The listing: a company's entries by deadline.
CREATE INDEX IF NOT EXISTS idx_updatable_tickets_company_replace_by
ON updatable_tickets(company_id, replace_by_date);
