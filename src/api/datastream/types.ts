/**
 * Mirrors org.apache.flink.api.common.typeinfo.Types: the type information of a DataStream's
 * records. Typed records travel in Flink's own serializers; `Types.PICKLED_BYTE_ARRAY()` (the
 * default, as in PyFlink) carries any JS value V8's structured serialization supports.
 */
export type TypeSpec = string | { row: [string, TypeSpec][] } | { tuple: TypeSpec[] };

export class TypeInformation<T = unknown> {
  /** Phantom: the JS type of the records. */
  declare readonly __type?: T;
  constructor(
    /** The JVM side's spec (DataStreams.typeInfo). */
    readonly spec: TypeSpec,
  ) {}

  toString(): string {
    if (typeof this.spec === 'object' && 'tuple' in this.spec) return `TUPLE<${this.spec.tuple.map((t) => new TypeInformation(t)).join(', ')}>`;
    return typeof this.spec === 'string' ? this.spec : `ROW<${this.spec.row.map(([n, t]) => `${n} ${new TypeInformation(t)}`).join(', ')}>`;
  }
}

export const Types = {
  STRING: (): TypeInformation<string> => new TypeInformation('STRING'),
  BOOLEAN: (): TypeInformation<boolean> => new TypeInformation('BOOLEAN'),
  INT: (): TypeInformation<number> => new TypeInformation('INT'),
  LONG: (): TypeInformation<number> => new TypeInformation('LONG'),
  FLOAT: (): TypeInformation<number> => new TypeInformation('FLOAT'),
  DOUBLE: (): TypeInformation<number> => new TypeInformation('DOUBLE'),
  /** Any JS value (V8-serialized, like PyFlink's pickled objects). */
  PICKLED_BYTE_ARRAY: <T = unknown>(): TypeInformation<T> => new TypeInformation('PICKLED'),
  /** Flink's Tuple of the field types; records are arrays. */
  TUPLE: <T extends unknown[] = unknown[]>(types: readonly TypeInformation[]): TypeInformation<T> => new TypeInformation({ tuple: types.map((t) => t.spec) }),
  /** A row with named fields; records are objects with those fields. */
  ROW_NAMED: <T extends object = Record<string, unknown>>(names: readonly string[], types: readonly TypeInformation[]): TypeInformation<T> => {
    if (names.length !== types.length) throw new TypeError(`ROW_NAMED: ${names.length} names but ${types.length} types`);
    return new TypeInformation({ row: names.map((n, i) => [n, types[i].spec]) });
  },
};

export function isPickled(t: TypeInformation): boolean {
  return t.spec === 'PICKLED';
}
