/** Made-up reference data the ticket generator draws from (places are real Utah towns, companies are not). */

export interface PlaceData {
  readonly place: string;
  readonly county: string;
  /** County FIPS code, used in grid rows. */
  readonly co: number;
  readonly lat: number;
  readonly lon: number;
  readonly zip: string;
}

export const UTAH_FIPS = 49;

export const PLACES: readonly PlaceData[] = [
  { place: 'SALT LAKE CITY', county: 'SALT LAKE', co: 35, lat: 40.7608, lon: -111.891, zip: '84111' },
  { place: 'WEST VALLEY CITY', county: 'SALT LAKE', co: 35, lat: 40.6916, lon: -112.0011, zip: '84119' },
  { place: 'SANDY', county: 'SALT LAKE', co: 35, lat: 40.5649, lon: -111.8389, zip: '84070' },
  { place: 'PROVO', county: 'UTAH', co: 49, lat: 40.2338, lon: -111.6585, zip: '84601' },
  { place: 'OREM', county: 'UTAH', co: 49, lat: 40.2969, lon: -111.6946, zip: '84057' },
  { place: 'LAYTON', county: 'DAVIS', co: 11, lat: 41.0602, lon: -111.9711, zip: '84041' },
  { place: 'OGDEN', county: 'WEBER', co: 57, lat: 41.223, lon: -111.9738, zip: '84401' },
  { place: 'LOGAN', county: 'CACHE', co: 5, lat: 41.737, lon: -111.8338, zip: '84321' },
  { place: 'ST GEORGE', county: 'WASHINGTON', co: 53, lat: 37.0965, lon: -113.5684, zip: '84770' },
  { place: 'PARK CITY', county: 'SUMMIT', co: 43, lat: 40.6461, lon: -111.498, zip: '84060' },
];

export const NAMED_STREETS: readonly string[] = [
  'S STATE ST',
  'N MAIN ST',
  'E CENTER ST',
  'W NORTH TEMPLE',
  'S REDWOOD RD',
  'E FORT UNION BLVD',
  'S HIGHLAND DR',
  'W BANGERTER HWY',
];

export const FIRST_NAMES: readonly string[] = [
  'JOHN',
  'MARIA',
  'DAVID',
  'SARAH',
  'JOSE',
  'EMILY',
  'KEVIN',
  'RACHEL',
  'TYLER',
  'MEGAN',
];

export const LAST_NAMES: readonly string[] = [
  'JENSEN',
  'HANSEN',
  'LARSEN',
  'NIELSEN',
  'GARCIA',
  'YOUNG',
  'CHRISTENSEN',
  'PETERSEN',
  'MARTINEZ',
  'ANDERSON',
];

export const WORK_TYPES: readonly string[] = [
  'SEWER LATERAL REPLACEMENT',
  'INSTALL GAS SERVICE',
  'FIBER OPTIC BORE',
  'FENCE POSTS',
  'WATER MAIN REPAIR',
  'POWER POLE REPLACEMENT',
  'LANDSCAPING / SPRINKLERS',
  'FOOTINGS AND FOUNDATION',
];

export const DONE_FOR: readonly string[] = [
  'HOMEOWNER',
  'CITY OF SALT LAKE',
  'WASATCH GAS CO',
  'UINTA FIBER',
  'PRIVATE DEVELOPER',
  'SCHOOL DISTRICT',
];

export const LOCATION_PHRASES: readonly string[] = [
  'MARK ENTIRE FRONT YARD AND PARKSTRIP',
  'MARK 20 FT RADIUS AROUND WHITE PAINT',
  'MARK FROM BACK OF CURB TO HOUSE ON NORTH SIDE',
  'MARK ENTIRE LOT INCLUDING EASEMENTS',
  'MARK BOTH SIDES OF ROAD 50 FT EACH DIRECTION FROM INTERSECTION',
];

export interface MemberData {
  readonly member_id: number;
  readonly mbcode: string;
  readonly name: string;
  readonly facility_type: string;
  readonly description: string;
  readonly group_code: string;
  readonly system: string;
}

export const MEMBERS: readonly MemberData[] = [
  {
    member_id: 101,
    mbcode: 'WGC01',
    name: 'WASATCH GAS CO',
    facility_type: 'GAS',
    description: 'NATURAL GAS DISTRIBUTION',
    group_code: 'WGC',
    system: 'GIS',
  },
  {
    member_id: 102,
    mbcode: 'BPL02',
    name: 'BONNEVILLE POWER & LIGHT',
    facility_type: 'ELECTRIC',
    description: 'ELECTRIC DISTRIBUTION',
    group_code: 'BPL',
    system: 'GIS',
  },
  {
    member_id: 103,
    mbcode: 'DTEL ',
    name: 'DESERET TELEPHONE',
    facility_type: 'TELEPHONE',
    description: 'COPPER AND FIBER',
    group_code: 'DTEL',
    system: 'GRID',
  },
  {
    member_id: 104,
    mbcode: 'CWD',
    name: 'CITY WATER DEPARTMENT',
    facility_type: 'WATER',
    description: 'CULINARY WATER',
    group_code: ' ',
    system: 'GRID',
  },
  {
    member_id: 105,
    mbcode: 'CCAB',
    name: 'CANYON CABLE',
    facility_type: 'CATV',
    description: 'CABLE TELEVISION',
    group_code: 'CCAB',
    system: 'GIS',
  },
  {
    member_id: 106,
    mbcode: 'SRSD',
    name: 'SALT RIVER SEWER DISTRICT',
    facility_type: 'SEWER',
    description: 'SANITARY SEWER',
    group_code: ' ',
    system: 'GRID',
  },
  {
    member_id: 107,
    mbcode: 'UFBR1',
    name: 'UINTA FIBER',
    facility_type: 'FIBER',
    description: 'FIBER OPTIC',
    group_code: 'UFBR',
    system: 'GIS',
  },
];

export const RESPONSE_CODES: readonly { readonly code: string; readonly description: string }[] = [
  { code: '10', description: 'MARKED' },
  { code: '20', description: 'CLEAR - NO FACILITIES IN AREA' },
  { code: '30', description: 'MARKED - SEE COMMENTS' },
  { code: '40', description: 'NOT COMPLETE - WILL CONTACT EXCAVATOR' },
];
