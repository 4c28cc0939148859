/**
 * Mirrors org.apache.flink.util.OutputTag: names a side output of a process function
 * (`ctx.output(tag, value)`), read back with `getSideOutput(tag)`.
 */
import type { TypeInformation, TypeSpec } from './types';

export class OutputTag<T = unknown> {
  /** Phantom: the side output's record type. */
  declare readonly __side?: T;
  /**
   * The record type as plain data: functions capture their tags, and a tag that references no
   * other module ships to the worker as it is.
   */
  readonly typeSpec: TypeSpec;

  constructor(
    readonly id: string,
    typeInfo?: TypeInformation<T>,
  ) {
    if (typeof id !== 'string' || id === '') throw new TypeError('an OutputTag needs a non-empty id');
    this.typeSpec = typeInfo === undefined ? 'PICKLED' : typeInfo.spec;
  }
}
