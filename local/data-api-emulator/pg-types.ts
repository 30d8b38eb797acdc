/**
 * Which PostgreSQL result types the Data API can return and as what. Built-in types are known by OID;
 * enums, domains and arrays of them are looked up in pg_type once and cached. Anything else (money,
 * interval, geometric types, ranges, records, multi-dimensional arrays...) is unsupported, as on v2.
 */

export type ValueKind =
  | 'bool'
  | 'bytea'
  | 'float'
  | 'int'
  | 'json'
  | 'numeric'
  | 'string'
  | 'timestamptz'
  | 'void';

export interface ScalarType {
  readonly name: string;
  readonly kind: ValueKind;
  /** The java.sql.Types code the service reports in columnMetadata.type. */
  readonly jdbcType: number;
}

export type ColumnType =
  | { readonly category: 'scalar'; readonly name: string; readonly scalar: ScalarType }
  | { readonly category: 'array'; readonly name: string; readonly element: ScalarType }
  | { readonly category: 'unsupported'; readonly name: string };

export interface CatalogType {
  readonly oid: number;
  readonly name: string;
  /** pg_type.typtype: b base, e enum, d domain, c composite, r range, p pseudo, m multirange. */
  readonly typtype: string;
  readonly elementOid: number;
  readonly baseOid: number;
  /** pg_type.typcategory; 'A' marks true arrays (point also has an element type but is not one). */
  readonly category: string;
}

export const JDBC_ARRAY = 2003;

const scalar = (name: string, kind: ValueKind, jdbcType: number): ScalarType => ({ name, kind, jdbcType });

const BUILTIN_SCALARS = new Map<number, ScalarType>([
  [16, scalar('bool', 'bool', -7)],
  [17, scalar('bytea', 'bytea', -2)],
  [18, scalar('char', 'string', 1)],
  [19, scalar('name', 'string', 12)],
  [20, scalar('int8', 'int', -5)],
  [21, scalar('int2', 'int', 5)],
  [23, scalar('int4', 'int', 4)],
  [25, scalar('text', 'string', 12)],
  [26, scalar('oid', 'int', -5)],
  [114, scalar('json', 'json', 1111)],
  [650, scalar('cidr', 'string', 1111)],
  [700, scalar('float4', 'float', 7)],
  [701, scalar('float8', 'float', 8)],
  [869, scalar('inet', 'string', 1111)],
  [1042, scalar('bpchar', 'string', 1)],
  [1043, scalar('varchar', 'string', 12)],
  [1082, scalar('date', 'string', 91)],
  [1083, scalar('time', 'string', 92)],
  [1114, scalar('timestamp', 'string', 93)],
  [1184, scalar('timestamptz', 'timestamptz', 93)],
  [1700, scalar('numeric', 'numeric', 2)],
  [2278, scalar('void', 'void', 1111)],
  [2950, scalar('uuid', 'string', 1111)],
  [3802, scalar('jsonb', 'json', 1111)],
]);

/** Array OID -> element OID, for the built-in scalars that may appear in a 1-D array result. */
const BUILTIN_ARRAYS = new Map<number, number>([
  [1000, 16],
  [1002, 18],
  [1003, 19],
  [1005, 21],
  [1007, 23],
  [1009, 25],
  [1014, 1042],
  [1015, 1043],
  [1016, 20],
  [1021, 700],
  [1022, 701],
  [1028, 26],
  [1041, 869],
  [1115, 1114],
  [1182, 1082],
  [1183, 1083],
  [1185, 1184],
  [1231, 1700],
  [199, 114],
  [2951, 2950],
  [3807, 3802],
  [651, 650],
]);

/** Element kinds an array result may have; bytea[] and void[] are not representable in arrayValue. */
const ARRAY_ELEMENT_KINDS: ReadonlySet<ValueKind> = new Set([
  'bool',
  'float',
  'int',
  'json',
  'numeric',
  'string',
  'timestamptz',
]);

type Lookup = (oids: readonly number[]) => Promise<readonly CatalogType[]>;

/** Resolves result column OIDs, asking the database only about OIDs it has not seen. */
export class TypeRegistry {
  readonly #catalog = new Map<number, CatalogType>();

  async resolve(oids: readonly number[], lookup: Lookup): Promise<ColumnType[]> {
    const asked = new Set<number>();
    // Each round goes one level deeper: an array of a domain needs the array, then the domain, then its base.
    for (let round = 0; round < 4; round += 1) {
      const pending = this.#unknownOids(oids).filter((oid) => !asked.has(oid));
      if (pending.length === 0) break;
      for (const oid of pending) asked.add(oid);
      for (const entry of await lookup(pending)) this.#catalog.set(entry.oid, entry);
    }
    return oids.map((oid) => this.#resolveOne(oid));
  }

  #unknownOids(oids: readonly number[]): number[] {
    const unknown = new Set<number>();
    const visit = (oid: number, depth: number): void => {
      if (depth > 4 || BUILTIN_SCALARS.has(oid) || BUILTIN_ARRAYS.has(oid)) return;
      const entry = this.#catalog.get(oid);
      if (!entry) {
        unknown.add(oid);
        return;
      }
      if (entry.elementOid !== 0) visit(entry.elementOid, depth + 1);
      if (entry.baseOid !== 0) visit(entry.baseOid, depth + 1);
    };
    for (const oid of oids) visit(oid, 0);
    return [...unknown];
  }

  #scalar(oid: number, depth = 0): ScalarType | undefined {
    const builtin = BUILTIN_SCALARS.get(oid);
    if (builtin) return builtin;
    const entry = this.#catalog.get(oid);
    if (!entry || depth > 4) return undefined;
    if (entry.typtype === 'e') return scalar(entry.name, 'string', 12);
    if (entry.typtype === 'd') return this.#scalar(entry.baseOid, depth + 1);
    return undefined;
  }

  #resolveOne(oid: number): ColumnType {
    const direct = this.#scalar(oid);
    if (direct) return { category: 'scalar', name: direct.name, scalar: direct };
    const entry = this.#catalog.get(oid);
    const builtinElement = BUILTIN_ARRAYS.get(oid);
    const elementOid = builtinElement ?? (entry?.category === 'A' ? entry.elementOid : 0);
    const element = elementOid === 0 ? undefined : this.#scalar(elementOid);
    const name = entry?.name ?? (element ? `_${element.name}` : `oid ${oid}`);
    if (element && ARRAY_ELEMENT_KINDS.has(element.kind)) return { category: 'array', name, element };
    if (entry?.typtype === 'd') {
      const base = this.#resolveOne(entry.baseOid);
      return base.category === 'unsupported' ? { category: 'unsupported', name: entry.name } : base;
    }
    return { category: 'unsupported', name };
  }
}

/** Fixed built-in types with no lookup needed, e.g. for unit tests and the type name of a parameter. */
export function builtinColumnType(oid: number): ColumnType | undefined {
  const found = BUILTIN_SCALARS.get(oid);
  if (found) return { category: 'scalar', name: found.name, scalar: found };
  const elementOid = BUILTIN_ARRAYS.get(oid);
  const element = elementOid === undefined ? undefined : BUILTIN_SCALARS.get(elementOid);
  return element ? { category: 'array', name: `_${element.name}`, element } : undefined;
}
