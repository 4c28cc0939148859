/**
 * The SDK harness: serves the runner's control stream (process_bundle instructions), fetches bundle
 * descriptors, multiplexes the data streams, and answers with metrics or errors.
 */
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { FunctionContext } from '../api/udf/functions';
import { BundleTiming } from './bundle-timing';
import { BundleProcessor, grpcPortUrl, SINK_URN, type OutputChannel, type FunctionsPayload } from './bundle-processor';
import { fnApi, flinkApi, FnApiClient } from './fn-api';
import type { WorkerLog } from './logging';
import type { MetricRegistry } from './metrics';
import { StateChannel } from './state/state-channel';

interface PendingInput {
  chunks: Uint8Array[];
  /** Input streams (data, timer families) seen ending. */
  ends: number;
  /** Fired timers that arrived before the bundle. */
  timers: Uint8Array[];
}

export class Harness implements OutputChannel {
  private control?: ClientDuplexStream<fnApi.IInstructionResponse, fnApi.InstructionRequest>;
  private readonly descriptors = new Map<string, Promise<fnApi.ProcessBundleDescriptor>>();
  private readonly processors = new Map<string, BundleProcessor[]>();
  private readonly dataStreams = new Map<string, ClientDuplexStream<fnApi.IElements, fnApi.Elements>>();
  private readonly stateChannels = new Map<string, StateChannel>();
  /** Input that arrived before its bundle started, by instruction id. */
  private readonly early = new Map<string, PendingInput>();
  /** Recently failed bundles, whose late input is dropped. */
  private readonly failed = new Set<string>();
  /** Running bundles by instruction id. */
  private readonly active = new Map<string, { processor: BundleProcessor; inputDone: () => void }>();
  private closed?: Promise<void>;
  private readonly timing = BundleTiming.fromEnv();

  constructor(
    private readonly client: FnApiClient,
    private readonly controlUrl: string,
    private readonly log: WorkerLog,
    private readonly jobParameters: Map<string, string>,
  ) {}

  /** Runs until the runner closes the control stream. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      const control = this.client.control(this.controlUrl);
      this.control = control;
      control.on('data', (req: fnApi.InstructionRequest) => this.handle(req));
      control.on('error', (e) => {
        this.log.info(`control stream ended: ${e.message}`);
        resolve();
      });
      control.on('end', () => resolve());
    });
  }

  private respond(r: fnApi.IInstructionResponse): void {
    this.control?.write(r);
  }

  private handle(req: fnApi.InstructionRequest): void {
    const id = req.instruction_id;
    switch (req.request) {
      case 'process_bundle':
        this.processBundle(id, req.process_bundle!).then(
          (infos) => {
            // log entries of the bundle reach Flink before the bundle completes
            this.log.flush();
            this.respond({ instruction_id: id, process_bundle: { monitoring_infos: infos } });
            this.timing?.responded();
          },
          (e: unknown) => {
            this.failed.add(id);
            if (this.failed.size > 100) this.failed.delete(this.failed.values().next().value!);
            this.early.delete(id);
            const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
            this.log.error(`bundle ${id} failed`, text);
            this.log.flush();
            this.respond({ instruction_id: id, error: text });
          },
        );
        return;
      case 'process_bundle_progress':
        this.respond({ instruction_id: id, process_bundle_progress: { monitoring_infos: [] } });
        return;
      case 'harness_monitoring_infos':
        this.respond({ instruction_id: id, harness_monitoring_infos: {} });
        return;
      case 'monitoring_infos':
        this.respond({ instruction_id: id, monitoring_infos: {} });
        return;
      case 'finalize_bundle':
        this.respond({ instruction_id: id, finalize_bundle: {} });
        return;
      default:
        this.respond({ instruction_id: id, error: `the TSFlink worker does not support '${req.request}' instructions` });
    }
  }

  private descriptor(id: string): Promise<fnApi.ProcessBundleDescriptor> {
    let d = this.descriptors.get(id);
    if (!d) {
      d = this.client.getProcessBundleDescriptor(this.controlUrl, id);
      this.descriptors.set(id, d);
      d.catch(() => this.descriptors.delete(id));
    }
    return d;
  }

  private async processor(descriptorId: string): Promise<BundleProcessor> {
    const pool = this.processors.get(descriptorId) ?? [];
    this.processors.set(descriptorId, pool);
    const idle = pool.find((p) => !p.busy);
    if (idle) return idle;
    const descriptor = await this.descriptor(descriptorId);
    const again = pool.find((p) => !p.busy);
    if (again) return again;
    const p = new BundleProcessor(
      descriptor,
      this,
      (udfs, metrics) => this.functionContext(udfs, metrics),
      (url) => this.stateChannel(url),
    );
    pool.push(p);
    this.dataStream(p.dataUrl);
    return p;
  }

  private async processBundle(id: string, req: fnApi.IProcessBundleRequest): Promise<fnApi.IProcessBundleResponse['monitoring_infos']> {
    let processor: BundleProcessor;
    try {
      processor = await this.processor(req.process_bundle_descriptor_id!);
    } catch (e) {
      await this.endOutputs(id, req.process_bundle_descriptor_id!);
      throw e;
    }
    processor.start(id, req.cache_tokens ?? []);
    this.log.currentInstruction = id;
    // the bundle's input ends once its data and every timer family it reads have ended
    let ends = 1 + processor.timerFamilies.length;
    const inputDone = new Promise<void>((resolve) => this.active.set(id, { processor, inputDone: () => void (--ends === 0 && resolve()) }));
    const early = this.early.get(id);
    this.early.delete(id);
    for (const c of early?.chunks ?? []) processor.data(c);
    for (const c of early?.timers ?? []) processor.timers(c);
    for (const d of req.elements?.data ?? []) this.onData(d);
    for (const t of req.elements?.timers ?? []) this.onTimers(t);
    for (let i = 0; i < (early?.ends ?? 0); i++) this.active.get(id)!.inputDone();
    try {
      await inputDone;
      return await processor.finish();
    } finally {
      this.active.delete(id);
    }
  }

  /** Ends a bundle's output without a processor (set-up failed), as the runner waits for it. */
  private async endOutputs(instructionId: string, descriptorId: string): Promise<void> {
    this.early.delete(instructionId);
    try {
      const d = await this.descriptor(descriptorId);
      for (const [transformId, t] of Object.entries(d.transforms ?? {})) {
        if (t.spec?.urn !== SINK_URN) continue;
        this.dataStream(grpcPortUrl(t)).write({ data: [{ instruction_id: instructionId, transform_id: transformId, data: Buffer.alloc(0), is_last: true }] });
      }
    } catch (e) {
      this.log.error(`cannot end the outputs of bundle ${instructionId}: ${String(e)}`);
    }
  }

  private dataStream(url: string): ClientDuplexStream<fnApi.IElements, fnApi.Elements> {
    let s = this.dataStreams.get(url);
    if (!s) {
      s = this.client.data(url);
      s.on('data', (e: fnApi.Elements) => {
        for (const d of e.data) this.onData(d);
        for (const t of e.timers) this.onTimers(t);
      });
      s.on('error', (e) => this.log.info(`data stream ended: ${e.message}`));
      this.dataStreams.set(url, s);
    }
    return s;
  }

  /**
   * Timers of a keyed DataStream function (Beam timer families): fired timers go to the bundle's
   * processor; the end of each family's stream counts as the end of an input.
   */
  private onTimers(t: fnApi.Elements.ITimers): void {
    const id = t.instruction_id!;
    const bundle = this.active.get(id);
    if (bundle) {
      if (t.timers?.length) bundle.processor.timers(t.timers);
      if (t.is_last) bundle.inputDone();
      return;
    }
    if (this.failed.has(id)) return;
    let pending = this.early.get(id);
    if (!pending) this.early.set(id, (pending = { chunks: [], ends: 0, timers: [] }));
    if (t.timers?.length) pending.timers.push(t.timers);
    if (t.is_last) pending.ends++;
  }

  /** Ends a bundle's timer output streams (the runner waits for them as for the data). */
  endTimers(instructionId: string, url: string, transformId: string, families: readonly string[], timers?: Buffer): void {
    if (families.length === 0) return;
    const set = timers?.length ? [{ instruction_id: instructionId, transform_id: transformId, timer_family_id: families[0], timers, is_last: false }] : [];
    this.dataStream(url).write({
      timers: [...set, ...families.map((f) => ({ instruction_id: instructionId, transform_id: transformId, timer_family_id: f, timers: Buffer.alloc(0), is_last: true }))],
    });
  }

  private onData(d: fnApi.Elements.IData): void {
    const id = d.instruction_id!;
    this.timing?.input(d.data?.length ?? 0, !!d.is_last);
    const bundle = this.active.get(id);
    if (!bundle) {
      if (this.failed.has(id)) return;
      let pending = this.early.get(id);
      if (!pending) this.early.set(id, (pending = { chunks: [], ends: 0, timers: [] }));
      if (d.data?.length) pending.chunks.push(d.data);
      if (d.is_last) pending.ends++;
      return;
    }
    if (d.data?.length) bundle.processor.data(d.data);
    if (d.is_last) bundle.inputDone();
  }

  send(instructionId: string, transformId: string, data: Buffer, isLast: boolean): void {
    const processor = this.active.get(instructionId)?.processor;
    const url = processor?.dataUrl ?? [...this.dataStreams.keys()][0];
    const entries: fnApi.Elements.IData[] = [];
    if (data.length > 0) entries.push({ instruction_id: instructionId, transform_id: transformId, data, is_last: false });
    if (isLast) entries.push({ instruction_id: instructionId, transform_id: transformId, data: Buffer.alloc(0), is_last: true });
    this.dataStream(url).write({ data: entries });
  }

  private stateChannel(url: string): StateChannel {
    let c = this.stateChannels.get(url);
    if (!c) this.stateChannels.set(url, (c = new StateChannel(this.client.state(url))));
    return c;
  }

  private functionContext(udfs: FunctionsPayload, metrics: MetricRegistry): FunctionContext {
    const params = new Map(this.jobParameters);
    for (const p of ('job_parameters' in udfs ? udfs.job_parameters : undefined) ?? []) params.set(p.key ?? "", p.value ?? "");
    const rc = udfs.runtime_context;
    for (const p of rc?.job_parameters ?? []) params.set(p.key ?? "", p.value ?? "");
    const group = metrics.group();
    return {
      getMetricGroup: () => group,
      getJobParameter: (key, defaultValue) => params.get(key) ?? defaultValue,
      getTaskName: () => rc?.task_name ?? '',
      getNumberOfParallelSubtasks: () => rc?.number_of_parallel_subtasks ?? 1,
      getIndexOfThisSubtask: () => rc?.index_of_this_subtask ?? 0,
      getTaskNameWithSubtasks: () => rc?.task_name_with_subtasks ?? '',
      getMaxNumberOfParallelSubtasks: () => rc?.max_number_of_parallel_subtasks ?? 1,
      getAttemptNumber: () => rc?.attempt_number ?? 0,
    };
  }

  /** Closes every UDF and the streams. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      for (const pool of this.processors.values()) {
        for (const p of pool) {
          try {
            await p.close();
          } catch (e) {
            this.log.error(`closing a UDF failed: ${String(e)}`);
          }
        }
      }
      this.timing?.flush();
      for (const s of this.dataStreams.values()) s.end();
      for (const c of this.stateChannels.values()) c.close();
      this.control?.end();
    })();
    return this.closed;
  }
}
