/** Arrow → Flink SQL type inference (fromArrow's schema), for every Arrow type it maps; no JVM. */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { sqlTypeOfArrow } from '../src/api/arrow/types';

describe('sqlTypeOfArrow', () => {
  const item = (t: arrow.DataType) => new arrow.Field('item', t, true);
  const cases: [string, arrow.DataType, string][] = [
    ['int8', new arrow.Int8(), 'TINYINT'],
    ['int64', new arrow.Int64(), 'BIGINT'],
    // unsigned types widen to the signed type that holds every value
    ['uint8', new arrow.Uint8(), 'SMALLINT'],
    ['uint16', new arrow.Uint16(), 'INT'],
    ['uint32', new arrow.Uint32(), 'BIGINT'],
    ['uint64', new arrow.Uint64(), 'DECIMAL(20, 0)'],
    ['float32', new arrow.Float32(), 'FLOAT'],
    ['float64', new arrow.Float64(), 'DOUBLE'],
    ['decimal', new arrow.Decimal(2, 12, 128), 'DECIMAL(12, 2)'],
    ['utf8', new arrow.Utf8(), 'STRING'],
    ['large utf8', new arrow.LargeUtf8(), 'STRING'],
    ['large binary', new arrow.LargeBinary(), 'BYTES'],
    ['fixed-size binary', new arrow.FixedSizeBinary(4), 'BINARY(4)'],
    ['time32 s', new arrow.TimeSecond(), 'TIME(0)'],
    ['time64 ns', new arrow.TimeNanosecond(), 'TIME(9)'],
    ['timestamp s', new arrow.TimestampSecond(), 'TIMESTAMP(0)'],
    ['timestamp ns, zoned', new arrow.TimestampNanosecond('UTC'), 'TIMESTAMP_LTZ(9)'],
    ['fixed-size list', new arrow.FixedSizeList(3, item(new arrow.Int32())), 'ARRAY<INT>'],
    ['dictionary of utf8', new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), 'STRING'],
  ];
  it.each(cases)('%s', (_name, type, sql) => {
    expect(sqlTypeOfArrow(type, 'c')).toBe(sql);
  });

  it('refuses a decimal wider than Flink can hold, naming the column', () => {
    expect(() => sqlTypeOfArrow(new arrow.Decimal(0, 39, 256), 'big')).toThrow(/column 'big': .* more digits than Flink's DECIMAL \(38\)/);
  });
});
