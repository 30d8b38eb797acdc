import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTicketLocation, meaningfulText, parseWorkArea } from '../../../functions/tickets';

describe('formatTicketLocation', () => {
  it.each([
    [
      'a house-number range, two cross streets, place and county',
      {
        stFromAddress: '1200',
        stToAddress: '1250',
        street: 'E 500 S',
        cross1: 'S 300 E',
        cross2: 'S 400 E',
        place: 'SANDY',
        county: 'SALT LAKE',
      },
      '1200-1250 E 500 S between S 300 E and S 400 E, SANDY, SALT LAKE COUNTY',
    ],
    [
      'one number when both ends are equal, "at" one cross street',
      {
        stFromAddress: '1200',
        stToAddress: '1200',
        street: 'S STATE ST',
        cross1: 'E 300 S',
        cross2: ' ',
        place: 'PROVO',
        county: 'UTAH',
      },
      '1200 S STATE ST at E 300 S, PROVO, UTAH COUNTY',
    ],
    [
      'the second cross street alone',
      { street: 'S STATE ST', cross1: ' ', cross2: 'E 300 S' },
      'S STATE ST at E 300 S',
    ],
    [
      '"0" house numbers and blank cross streets left out',
      {
        stFromAddress: '0',
        stToAddress: '0',
        street: 'S STATE ST',
        cross1: ' ',
        cross2: ' ',
        place: 'SANDY',
        county: 'SALT LAKE',
      },
      'S STATE ST, SANDY, SALT LAKE COUNTY',
    ],
    [
      'only one end of the range known',
      { stFromAddress: '0', stToAddress: '455', street: 'N MAIN ST' },
      '455 N MAIN ST',
    ],
    [
      'stray whitespace trimmed and collapsed',
      {
        stFromAddress: ' 10 ',
        stToAddress: '20  ',
        street: '  S   STATE ST ',
        place: ' SANDY ',
        county: ' SALT LAKE ',
      },
      '10-20 S STATE ST, SANDY, SALT LAKE COUNTY',
    ],
    [
      'house numbers without a street (meaningless alone) left out',
      { stFromAddress: '12', stToAddress: '14', cross1: 'A ST', cross2: 'B ST', place: 'OGDEN' },
      'between A ST and B ST, OGDEN',
    ],
    ['a county already named as such', { county: 'Salt Lake County' }, 'Salt Lake County'],
    ['a mixed-case county', { place: 'Sandy', county: 'Salt Lake' }, 'Sandy, Salt Lake County'],
    ['the same cross street twice', { street: 'A ST', cross1: 'B ST', cross2: 'B ST' }, 'A ST at B ST'],
    ['nothing known', { street: ' ', stFromAddress: '0', cross1: null, place: undefined }, ''],
  ])('writes %s', (_name, fields, expected) => {
    expect(formatTicketLocation(fields)).toBe(expected);
  });

  it('never shows a placeholder, a double space or a dangling separator, whatever the fields', () => {
    // Real values here are words starting with a letter, so a lone "0" can only come from a placeholder.
    const value = fc.oneof(
      fc.constantFrom(' ', '0', '', '  0 ', ' 0', null, undefined),
      fc.stringMatching(/^ ?[A-Z][A-Z0-9]{0,6}( +[A-Z][A-Z0-9]{0,6})? ?$/),
    );
    fc.assert(
      fc.property(
        fc.record({
          street: value,
          stFromAddress: value,
          stToAddress: value,
          cross1: value,
          cross2: value,
          place: value,
          county: value,
        }),
        (fields) => {
          const text = formatTicketLocation(fields);
          expect(text).toBe(text.trim());
          expect(text).not.toMatch(/\s{2}|^,|,$|, ,|(^|[\s,])0($|[\s,-])/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('meaningfulText', () => {
  it.each([
    [' ', undefined],
    ['0', undefined],
    [' 0 ', undefined],
    ['', undefined],
    [null, undefined],
    ['10', '10'],
    [' A  B ', 'A B'],
  ])('reads %j as %j', (input, expected) => {
    expect(meaningfulText(input)).toBe(expected);
  });
});

describe('parseWorkArea', () => {
  const feature = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'Point', coordinates: [-111.9, 40.7] },
  };

  it('keeps a GeoJSON object as sent', () => {
    expect(parseWorkArea(feature)).toBe(feature);
  });

  it('parses a GeoJSON object sent as a JSON string', () => {
    expect(parseWorkArea(JSON.stringify(feature))).toEqual(feature);
  });

  it.each([
    ['not JSON', '{"type":'],
    ['no type', { geometry: {} }],
    ['an array', [feature]],
    ['a number', 5],
    ['absent', undefined],
  ])('is null for %s', (_name, value) => {
    expect(parseWorkArea(value)).toBeNull();
  });
});
