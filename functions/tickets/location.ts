import type { GeoJsonObject } from '@bluestakes/token-manager';

/**
 * The ticket fields a location is written from (upstream `st_from_address` is `stFromAddress`, ...),
 * the one shape the stored record, the stored location and the updateable listing share. `null`
 * where the API sent nothing.
 */
export interface TicketLocationFields {
  readonly street: string | null;
  readonly stFromAddress: string | null;
  readonly stToAddress: string | null;
  readonly cross1: string | null;
  readonly cross2: string | null;
  readonly place: string | null;
  readonly county: string | null;
}

/**
 * A field's text, or undefined for the upstream's placeholders: blank (`" "`) and `"0"` (used for a
 * missing house number) mean "no value", and values may carry stray whitespace.
 */
export function meaningfulText(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\s+/g, ' ').trim();
  return text === '' || text === '0' ? undefined : text;
}

function streetPart(fields: Partial<TicketLocationFields>): string | undefined {
  const street = meaningfulText(fields.street);
  if (street === undefined) return undefined;
  const from = meaningfulText(fields.stFromAddress);
  const to = meaningfulText(fields.stToAddress);
  const numbers = from !== undefined && to !== undefined && from !== to ? `${from}-${to}` : (from ?? to);
  return numbers === undefined ? street : `${numbers} ${street}`;
}

function crossPart(fields: Partial<TicketLocationFields>): string | undefined {
  const crosses = [meaningfulText(fields.cross1), meaningfulText(fields.cross2)].filter(
    (cross): cross is string => cross !== undefined,
  );
  const [first, second] = crosses;
  if (first === undefined) return undefined;
  if (second === undefined || second === first) return `at ${first}`;
  return `between ${first} and ${second}`;
}

function countyPart(fields: Partial<TicketLocationFields>): string | undefined {
  const county = meaningfulText(fields.county);
  if (county === undefined || /\bcounty$/i.test(county)) return county;
  // Bluestakes sends upper-case names ("SALT LAKE"); the suffix follows the name's own casing.
  return `${county} ${county === county.toUpperCase() ? 'COUNTY' : 'County'}`;
}

/**
 * The dig site as one line, the way the original integration wrote it: "from-to street" (one number
 * when both are equal), then "at X" (one cross street) or "between X and Y" (two), then place and
 * county, e.g. `1200-1250 E 500 S between S 300 E and S 400 E, SANDY, SALT LAKE COUNTY`.
 * Placeholders (`" "`, `"0"`) and stray whitespace are left out; an empty string when nothing is known.
 *
 * @param fields - a stored record or row
 */
export function formatTicketLocation(fields: Partial<TicketLocationFields>): string {
  const line = [streetPart(fields), crossPart(fields)].filter((part) => part !== undefined).join(' ');
  return [line === '' ? undefined : line, meaningfulText(fields.place), countyPart(fields)]
    .filter((part) => part !== undefined)
    .join(', ');
}

function isGeoJson(value: unknown): value is GeoJsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof Reflect.get(value, 'type') === 'string'
  );
}

/**
 * The ticket's work area as a GeoJSON object. The API sends a Feature, and older payloads a JSON
 * string of one; anything that is not a GeoJSON object (no `type`) is `null`, never an error.
 *
 * @param value - the `work_area` field as received or stored
 */
export function parseWorkArea(value: unknown): GeoJsonObject | null {
  if (typeof value === 'string') {
    try {
      return parseWorkArea(JSON.parse(value) as unknown);
    } catch {
      return null;
    }
  }
  return isGeoJson(value) ? value : null;
}
