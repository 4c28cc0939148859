/**
 * Executes one ProcessBundleDescriptor: Beam's gRPC source → the Flink operation → Beam's gRPC sink.
 * A processor is reused for every bundle of its descriptor (UDFs are opened once), one bundle at a
 * time.
 */
import type { FunctionContext } from '../api/udf/functions';
import { ByteReader, ByteWriter } from './coders/bytes';
import { coderFormat, rowTypeOfCoder } from './coders/schema';
import { fnApi, flinkApi, pipeline } from './fn-api';
import { MetricRegistry } from './metrics';
import { operationFor, type Operation } from './operations/operation';
import './operations/scalar';
import './operations/table';
import './operations/async-scalar';
import './operations/group-aggregate';
import './operations/group-window-aggregate';
import './operations/datastream';
import './operations/arrow-aggregate';
import './operations/arrow-over-window';
import { RemoteKeyedState } from './state/keyed-state';
import type { StateChannel } from './state/state-channel';

const SOURCE_URN = 'beam:runner:source:v1';
export const SINK_URN = 'beam:runner:sink:v1';
const FLINK_CODER_URN = 'flink:coder:v1';
/** flink-python's DataStream runner wraps its function in a Beam ParDo (do_fn: URN + payload). */
const PAR_DO_URN = 'beam:transform:pardo:v1';
const STREAM_OUTPUT_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** The payload protos of the operations (PayloadKind). */
export type FunctionsPayload = flinkApi.IUserDefinedFunctions | flinkApi.IUserDefinedAggregateFunctions | flinkApi.IUserDefinedDataStreamFunction;

/** Where a bundle's output goes. */
export interface OutputChannel {
  /** Sends `data` (may be empty) and, with `isLast`, the end of the bundle's output, in one message. */
  send(instructionId: string, transformId: string, data: Buffer, isLast: boolean): void;
  /** Ends the bundle's timer output streams of a transform's timer families. */
  endTimers(instructionId: string, url: string, transformId: string, families: readonly string[], timers?: Buffer): void;
}

export class BundleProcessor {
  readonly inputTransformId: string;
  readonly outputTransformId: string;
  /** Side outputs' sinks and writers (sent at the end of each bundle). */
  private readonly sideSinks: { transformId: string; output: ByteWriter }[] = [];
  readonly dataUrl: string;
  private readonly operation: Operation;
  private readonly metrics: MetricRegistry;
  private opened?: Promise<void>;
  private out = new ByteWriter();
  private instructionId = '';
  private cacheTokenOfBundle = '';
  private keyedState?: RemoteKeyedState;
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  busy = false;
  /** Timer families of the operation's ParDo (keyed DataStream functions), and where they go. */
  readonly timerFamilies: string[] = [];
  private readonly timerUrl: string = '';
  private readonly opId: string;

  constructor(
    descriptor: fnApi.IProcessBundleDescriptor,
    private readonly output: OutputChannel,
    contextFor: (udfs: FunctionsPayload, metrics: MetricRegistry) => FunctionContext,
    /** The state stream to an endpoint (opened on first use). */
    stateChannel: (url: string) => StateChannel,
  ) {
    const transforms = Object.entries(descriptor.transforms ?? {});
    const source = transforms.find(([, t]) => t.spec?.urn === SOURCE_URN);
    const sinks = transforms.filter(([, t]) => t.spec?.urn === SINK_URN);
    let sink = sinks[0];
    const isOp = (t: pipeline.IPTransform): boolean => !!operationSpec(t) && !!operationFor(operationSpec(t)!.urn);
    // the operation reading the source's output (the first of a chain)
    const sourceOut = source && Object.values(source[1].outputs ?? {})[0];
    const op = transforms.find(([, t]) => isOp(t) && Object.values(t.inputs ?? {})[0] === sourceOut) ?? transforms.find(([, t]) => isOp(t));
    if (!source || !sink || !op) {
      const urns = transforms.map(([, t]) => t.spec?.urn).join(', ');
      throw new Error(`the TSFlink worker cannot execute a bundle with transforms [${urns}]`);
    }
    this.inputTransformId = source[0];
    this.dataUrl = grpcPortUrl(source[1]);
    const [opId, opTransform] = op;
    this.opId = opId;
    if (opTransform.spec?.urn === PAR_DO_URN) {
      this.timerFamilies.push(...Object.keys(pipeline.ParDoPayload.decode(opTransform.spec.payload!).timer_family_specs ?? {}));
      this.timerUrl = descriptor.timer_api_service_descriptor?.url ?? this.dataUrl;
    }
    const coderOf = (pcoll: string) => flinkCoder(descriptor, descriptor.pcollections![pcoll].coder_id!);
    const inputPcoll = Object.values(opTransform.inputs ?? {})[0];
    let outputPcoll = Object.values(opTransform.outputs ?? {})[0];
    // flink-python chains DataStream functions into one bundle as consecutive ParDos (the last
    // often REVISE_OUTPUT): the operation gets them all, the output coder is the last one's.
    const chain: Uint8Array[] = [];
    const chainTransforms = [opTransform];
    for (;;) {
      const next = transforms.find(([id, t]) => id !== opId && Object.values(t.inputs ?? {})[0] === outputPcoll && operationSpec(t) && operationFor(operationSpec(t)!.urn));
      if (!next) break;
      chain.push(operationSpec(next[1])!.payload);
      chainTransforms.push(next[1]);
      outputPcoll = Object.values(next[1].outputs ?? {})[0];
    }
    // the main output's sink; any other output of the chain's ParDos is a side output (an
    // OutputTag of a DataStream function, named by the tag's id) with a sink of its own
    sink = sinks.find(([, t]) => Object.values(t.inputs ?? {})[0] === outputPcoll) ?? sink;
    this.outputTransformId = sink[0];
    const sideOutputs = new Map<string, { type: ReturnType<typeof rowTypeOfCoder>; out: ByteWriter }>();
    for (const t of chainTransforms) {
      for (const [name, sidePcoll] of Object.entries(t.outputs ?? {}).filter(([n]) => n !== '')) {
        // flink-python ends each side output with a REVISE_OUTPUT ParDo of its own (Row(timestamp,
        // value)); the worker writes its output directly
        const revise = transforms.find(([, r]) => r.spec?.urn === PAR_DO_URN && Object.values(r.inputs ?? {})[0] === sidePcoll);
        const pcoll = revise ? Object.values(revise[1].outputs ?? {})[0] : sidePcoll;
        const sideSink = sinks.find(([, s]) => Object.values(s.inputs ?? {})[0] === pcoll);
        if (!sideSink) continue;
        sideOutputs.set(name, { type: rowTypeOfCoder(coderOf(pcoll)), out: new ByteWriter() });
        this.sideSinks.push({ transformId: sideSink[0], output: sideOutputs.get(name)!.out });
      }
    }
    const spec = operationSpec(opTransform)!;
    const { factory, payload } = operationFor(spec.urn)!;
    const payloadType = { udfs: flinkApi.UserDefinedFunctions, aggregate: flinkApi.UserDefinedAggregateFunctions, datastream: flinkApi.UserDefinedDataStreamFunction }[payload];
    const udfs = payloadType.decode(spec.payload);
    this.metrics = new MetricRegistry(opId);
    const stateUrl = descriptor.state_api_service_descriptor?.url;
    this.operation = factory({
      transformId: opId,
      udfs: udfs as flinkApi.UserDefinedFunctions,
      inputType: rowTypeOfCoder(coderOf(inputPcoll)),
      outputType: rowTypeOfCoder(coderOf(outputPcoll)),
      inputFormat: coderFormat(coderOf(inputPcoll)),
      functionContext: contextFor(udfs, this.metrics),
      outputReady: () => this.scheduleFlush(),
      keyedState: () => {
        if (!stateUrl) throw new Error('this bundle descriptor has no state endpoint');
        this.keyedState ??= new RemoteKeyedState(stateChannel(stateUrl), () => this.instructionId);
        return this.keyedState;
      },
      cacheToken: () => this.cacheTokenOfBundle,
      chained: chain.map((b) => flinkApi.UserDefinedDataStreamFunction.decode(b)),
      sideOutputs,
    });
  }

  /** Starts a bundle; `data` delivers its input chunks, `finish` completes it. */
  start(instructionId: string, cacheTokens: readonly fnApi.ProcessBundleRequest.ICacheToken[] = []): void {
    this.instructionId = instructionId;
    this.cacheTokenOfBundle = cacheTokens.map((t) => Buffer.from(t.token ?? []).toString('latin1')).join('|');
    this.busy = true;
    this.opened ??= this.operation.open();
    this.chain = this.opened;
    this.chain.catch(() => undefined);
  }

  /** Queues an input chunk (chunks are processed one after another). */
  data(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.chain = this.chain.then(() => {
      const r = this.operation.process(new ByteReader(buf), this.out);
      if (r) return r.then(() => this.flushIfLarge());
      this.flushIfLarge();
    });
    // failures surface in finish(); this keeps them from counting as unhandled meanwhile
    this.chain.catch(() => undefined);
  }

  /** Queues a chunk of fired timers (in order with the data). */
  timers(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.chain = this.chain.then(() => this.operation.processTimers?.(new ByteReader(buf), this.out));
    this.chain.catch(() => undefined);
  }

  /** Waits for all input to be processed, flushes, and returns the bundle's metrics. */
  async finish(): Promise<pipeline.IMonitoringInfo[]> {
    try {
      await this.chain;
      await this.operation.finishBundle(this.out);
      this.flush(true);
      this.output.endTimers(this.instructionId, this.timerUrl, this.opId, this.timerFamilies, this.operation.takeTimers?.());
      return this.metrics.collect();
    } catch (e) {
      this.operation.abortBundle?.();
      // The runner waits for the end of the output before it looks at the bundle's response.
      this.out = new ByteWriter(); // an async result may still be written into the old one
      this.flush(true);
      this.output.endTimers(this.instructionId, this.timerUrl, this.opId, this.timerFamilies);
      throw e;
    } finally {
      this.busy = false;
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.busy) this.flush(false);
    });
  }

  /**
   * Sends output while a bundle runs only once there is a lot of it: a small bundle's results then
   * travel with its end-of-output marker in one message (as Beam's SDKs buffer their output too).
   */
  private flushIfLarge(): void {
    if (this.out.pos >= STREAM_OUTPUT_BYTES) this.flush(false);
  }

  private flush(isLast: boolean): void {
    if (isLast) {
      for (const s of this.sideSinks) this.output.send(this.instructionId, s.transformId, s.output.pos > 0 ? s.output.take() : EMPTY, true);
    }
    if (this.out.pos === 0 && !isLast) return;
    this.output.send(this.instructionId, this.outputTransformId, this.out.pos > 0 ? this.out.take() : EMPTY, isLast);
  }

  close(): Promise<void> {
    return this.opened ? this.opened.then(() => this.operation.close()) : Promise.resolve();
  }
}

/** The URN and payload of the Flink operation a transform runs (directly or as a ParDo's do_fn). */
function operationSpec(t: pipeline.IPTransform): { urn: string; payload: Uint8Array } | undefined {
  const urn = t.spec?.urn;
  if (!urn) return undefined;
  if (urn !== PAR_DO_URN) return { urn, payload: t.spec!.payload ?? new Uint8Array() };
  const doFn = pipeline.ParDoPayload.decode(t.spec!.payload!).do_fn;
  return doFn?.urn ? { urn: doFn.urn, payload: doFn.payload ?? new Uint8Array() } : undefined;
}

/** The data service address of a Beam gRPC source or sink transform. */
export function grpcPortUrl(transform: pipeline.IPTransform): string {
  return fnApi.RemoteGrpcPort.decode(transform.spec!.payload!).api_service_descriptor!.url!;
}

/** The flink:coder:v1 descriptor of a coder, looking through Beam's wrapping coders. */
function flinkCoder(descriptor: fnApi.IProcessBundleDescriptor, coderId: string): flinkApi.CoderInfoDescriptor {
  const coder = descriptor.coders?.[coderId];
  if (!coder) throw new Error(`coder ${coderId} missing from the bundle descriptor`);
  if (coder.spec?.urn === FLINK_CODER_URN) return flinkApi.CoderInfoDescriptor.decode(coder.spec.payload!);
  for (const c of coder.component_coder_ids ?? []) {
    try {
      return flinkCoder(descriptor, c);
    } catch {
      // keep looking
    }
  }
  throw new Error(`no Flink coder inside coder ${coderId} (${coder.spec?.urn})`);
}
