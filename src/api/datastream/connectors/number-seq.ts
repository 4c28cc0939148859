/**
 * Mirrors org.apache.flink.api.connector.source.lib.NumberSequenceSource (PyFlink's
 * pyflink.datastream.connectors.number_seq): the numbers from..to (inclusive) as LONG records,
 * split among the source's subtasks; bounded.
 */
import { Types, type TypeInformation } from '../types';
import { Source } from './source';

export class NumberSequenceSource extends Source<number> {
  readonly producedType: TypeInformation<number> = Types.LONG();

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super();
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new RangeError(`NumberSequenceSource needs integer bounds, got ${String(from)}..${String(to)}`);
    if (from > to) throw new RangeError(`NumberSequenceSource: from (${from}) is greater than to (${to})`);
  }

  protected spec(): Record<string, unknown> {
    return { kind: 'numberSequence', from: this.from, to: this.to };
  }
}
