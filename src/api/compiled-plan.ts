/**
 * Compiled plans (Flink's CompiledPlan / PlanReference): a statement's optimized plan as JSON, to
 * write to a file, load again (possibly by another Flink version) and execute.
 */
import { Gateway, handleOf, track, type ArgNode, type Handle } from '../gateway/facade';
import { TableResult } from './table-result';
import { explainArgs, type ExplainDetail } from './enums';

/** Where a compiled plan comes from: a file, a JSON string, Smile bytes or a class-path resource. */
export class PlanReference {
  private constructor(
    private readonly method: 'fromFile' | 'fromJsonString' | 'fromSmileBytes' | 'fromResource',
    private readonly arg: ArgNode,
  ) {}
  static fromFile(path: string): PlanReference {
    return new PlanReference('fromFile', path);
  }
  static fromJsonString(json: string): PlanReference {
    return new PlanReference('fromJsonString', json);
  }
  /** A plan in Smile, Jackson's binary JSON (CompiledPlan.asSmileBytes()). */
  static fromSmileBytes(bytes: Uint8Array): PlanReference {
    return new PlanReference('fromSmileBytes', { k: 'bytes', b64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') });
  }
  static fromResource(resourcePath: string): PlanReference {
    return new PlanReference('fromResource', resourcePath);
  }
  get node(): ArgNode {
    return { k: 'chain', cls: 'PlanReference', name: this.method, args: [this.arg], then: [] };
  }
}

export class CompiledPlan {
  constructor(
    readonly handle: Handle,
    private readonly streaming: boolean,
  ) {
    track(this, handle);
  }
  asJsonString(): string {
    return Gateway.invoke(this.handle, 'asJsonString').v as string;
  }
  /** The plan in Smile, Jackson's binary JSON: smaller than asJsonString(), for PlanReference.fromSmileBytes. */
  asSmileBytes(): Uint8Array {
    const r = Gateway.invoke(this.handle, 'asSmileBytes');
    if (r.bytes === undefined) throw new Error('expected bytes from CompiledPlan.asSmileBytes');
    return new Uint8Array(Buffer.from(r.bytes, 'base64'));
  }
  /** Writes the JSON plan to a file; an existing file is an error unless ignoreIfExists (then it is kept), as in Java. */
  writeToFile(path: string, ignoreIfExists = false): void {
    Gateway.invoke(this.handle, 'writeToFile', [path, ignoreIfExists]);
  }
  /** The Flink version that compiled the plan, e.g. '2.3'. */
  getFlinkVersion(): string {
    // the JVM hands enum constants over by name: FlinkVersion.v2_3 reads '2.3', as its toString()
    return String(Gateway.invoke(this.handle, 'getFlinkVersion').v).replace(/^v/, '').replace(/_/g, '.');
  }
  async explain(...details: ExplainDetail[]): Promise<string> {
    return (await Gateway.invokeAsync(this.handle, 'explain', explainArgs(details))).v as string;
  }
  async printExplain(...details: ExplainDetail[]): Promise<void> {
    console.log(await this.explain(...details));
  }
  printJsonString(): this {
    console.log(this.asJsonString());
    return this;
  }
  /** Runs the plan's statement (an INSERT submits its job). */
  async execute(): Promise<TableResult> {
    const r = await Gateway.invokeAsync(this.handle, 'execute', []);
    return new TableResult(handleOf(r, 'a TableResult'), this.streaming);
  }
}
