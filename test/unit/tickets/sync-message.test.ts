import { describe, expect, it } from 'vitest';
import { parseTicketSyncMessage } from '../../../functions/tickets';

describe('parseTicketSyncMessage', () => {
  it.each([
    ['{"company_id":"42","days_back":7}', { company_id: '42', days_back: 7 }],
    ['{"company_id":42}', { company_id: '42', days_back: 28 }],
    ['{"company_id":"0042"}', { company_id: '42', days_back: 28 }],
    [
      '{"company_id":"9223372036854775807","days_back":365}',
      { company_id: '9223372036854775807', days_back: 365 },
    ],
  ])('reads %s', (body, message) => {
    expect(parseTicketSyncMessage(body)).toEqual({ ok: true, message });
  });

  it.each([
    ['not JSON', '{"company_id":', 'the body is not JSON'],
    ['an empty body', '', 'the body is not JSON'],
    ['an array', '[1]', 'body: The message must be a JSON object'],
    ['no company', '{"days_back":3}', 'company_id: company_id must be a positive integer'],
    ['company 0', '{"company_id":0}', 'company_id: company_id must be a positive integer'],
    ['a padded company', '{"company_id":" 42 "}', 'company_id: company_id must be a positive integer'],
    [
      'a company beyond bigint',
      '{"company_id":"9223372036854775808"}',
      'company_id: company_id must be a positive integer',
    ],
    [
      'a fractional days_back',
      '{"company_id":1,"days_back":1.5}',
      'days_back: days_back must be a whole number',
    ],
    [
      'days_back over a year',
      '{"company_id":1,"days_back":366}',
      'days_back: days_back must be a whole number',
    ],
    ['unknown fields', '{"company_id":1,"password":"hunter2"}', 'the body has unknown fields'],
  ])('calls %s poison, with a reason that does not repeat the body', (_name, body, reason) => {
    const parsed = parseTicketSyncMessage(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason.startsWith(reason)).toBe(true);
    expect(parsed.reason).not.toContain('hunter2');
  });
});
