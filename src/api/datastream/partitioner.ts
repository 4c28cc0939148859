/**
 * DataStream.partitionCustom with a TS Partitioner, as PyFlink does it (data_stream.partition_custom):
 * a TS map computes each record's partition from its key and sends Row(partition, record); Java's
 * partitionCustom with flink-python's IdPartitioner routes it to that subtask, and a Java map drops
 * the index again (dev.tsflink.datastream.Broadcasts.partitionCustom). The map learns the number of
 * partitions (the downstream operator's parallelism) from the job parameter NUM_PARTITIONS, which
 * flink-python's PythonConfigUtil.setPartitionCustomOperatorNumPartitions sets before submission.
 */
import { callSync } from '../../gateway/jvm';
import { toJavaJson } from '../../gateway/java-json';
import type { FunctionContext } from '../udf/functions';
import { DataStream } from './data-stream';
import type { KeySelector } from './functions';
import { Types } from './types';

/** Flink's Partitioner: the index (0 ≤ index < numPartitions) of the subtask a key goes to. */
export interface Partitioner<K> {
  partition(key: K, numPartitions: number): number;
}

/** PythonConfigUtil.STREAM_PARTITION_CUSTOM_MAP_OPERATOR_NAME: flink-python recognizes the map by it. */
const MAP_NAME = '_partition_custom_map_operator';

export function partitionCustom<T, K>(
  stream: DataStream<T>,
  partitioner: Partitioner<K> | ((key: K, numPartitions: number) => number),
  keySelector: KeySelector<T, K> | ((value: T) => K),
): DataStream<T> {
  const ok = typeof partitioner === 'function' || typeof (partitioner as Partitioner<K> | null)?.partition === 'function';
  if (!ok) throw new TypeError('partitionCustom() needs a Partitioner (a function or an object with partition(key, numPartitions))');
  if (typeof keySelector !== 'function' && typeof (keySelector as KeySelector<T, K> | null)?.getKey !== 'function') {
    throw new TypeError('partitionCustom() needs a key selector (a function or an object with getKey(value))');
  }
  // shipped to the worker as an object holding the partitioner and the key selector
  const withPartition = {
    partitioner,
    keySelector,
    numPartitions: -1,
    open(ctx: FunctionContext) {
      this.numPartitions = Number(ctx.getJobParameter('NUM_PARTITIONS', '-1'));
    },
    map(value: T): [number, T] {
      const ks = this.keySelector;
      const key = typeof ks === 'function' ? ks(value) : ks.getKey(value);
      const pt = this.partitioner;
      const p = typeof pt === 'function' ? pt(key, this.numPartitions) : pt.partition(key, this.numPartitions);
      if (!Number.isInteger(p) || p < 0 || p >= this.numPartitions) {
        throw new RangeError(`the partitioner returned ${String(p)} for ${this.numPartitions} partitions (it must be an integer from 0 to ${this.numPartitions - 1})`);
      }
      return [p, value];
    },
  };
  const pairType = Types.ROW_NAMED<[number, T]>(['partition', 'value'], [Types.INT(), stream.getType()]);
  const mapped = stream.map(withPartition, pairType).name(MAP_NAME);
  const h = callSync<number>('dev.tsflink.datastream.Broadcasts', 'partitionCustom', mapped.handle, toJavaJson(stream.getType().spec));
  return new DataStream<T>(stream.env, h, stream.getType());
}
