/**
 * A handle on a submitted job, mirroring org.apache.flink.core.execution.JobClient: its id and
 * status, cancel, savepoints, and its end. A TableResult's job (getJobClient()) or a DataStream job
 * (StreamExecutionEnvironment.executeAsync()). Resume a job from a savepoint by setting
 * `execution.state-recovery.path` (or its older name `execution.savepoint.path`) on the new job's
 * configuration.
 */
import { callAsync } from '../gateway/jvm';
import type { Handle } from '../gateway/facade';

/** Flink's SavepointFormatType: CANONICAL is portable across state backends, NATIVE is faster. */
export type SavepointFormatType = 'CANONICAL' | 'NATIVE';

/** What a finished job reports (Flink's JobExecutionResult). */
export interface JobExecutionResult {
  jobId: string;
  netRuntimeMs: number;
}

/**
 * The Java facade a JobClient talks to; both have the same static methods taking the handle:
 * dev.tsflink.gateway.Results (a TableResult's handle) and dev.tsflink.datastream.DataStreamJobs (a
 * Java JobClient's handle).
 */
export const TABLE_RESULT_JOBS = 'dev.tsflink.gateway.Results';
export const DATASTREAM_JOBS = 'dev.tsflink.datastream.DataStreamJobs';

export class JobClient {
  /**
   * @param handle the handle of the TableResult (or, with DATASTREAM_JOBS, the Java JobClient) whose job this is
   * @param owner the object whose garbage collection releases `handle` (a TableResult): held so a
   *   JobClient kept after its TableResult is dropped (as the SQL client keeps them for STOP JOB)
   *   never reaches a released handle
   */
  constructor(
    private readonly handle: Handle,
    private readonly jobId: string,
    private readonly facade: string = TABLE_RESULT_JOBS,
    private readonly owner?: object,
  ) {}

  getJobID(): string {
    return this.jobId;
  }

  /** RUNNING, FINISHED, CANCELED, FAILED, ... */
  async getJobStatus(): Promise<string> {
    return (await callAsync<string | null>(this.facade, 'jobStatus', this.handle)) ?? 'UNKNOWN';
  }

  async cancel(): Promise<void> {
    await callAsync<void>(this.facade, 'cancel', this.handle);
  }

  /**
   * Stops the job with a savepoint and resolves to the savepoint's path. With
   * `advanceToEndOfEventTime` (SQL's WITH DRAIN) the sources emit MAX_WATERMARK first, so every
   * event-time window and timer fires before the job stops. Without a directory, Flink's
   * `state.savepoints.dir` is used.
   */
  async stopWithSavepoint(advanceToEndOfEventTime = false, savepointDirectory?: string, formatType: SavepointFormatType = 'CANONICAL'): Promise<string> {
    return callAsync<string>(this.facade, 'stopWithSavepoint', this.handle, advanceToEndOfEventTime, savepointDirectory ?? null, formatType);
  }

  /** Takes a savepoint while the job keeps running, and resolves to its path. */
  async triggerSavepoint(savepointDirectory?: string, formatType: SavepointFormatType = 'CANONICAL'): Promise<string> {
    return callAsync<string>(this.facade, 'triggerSavepoint', this.handle, savepointDirectory ?? null, formatType);
  }

  /** Waits for the job's end; a failed job rejects with its FlinkError. */
  async getJobExecutionResult(): Promise<JobExecutionResult> {
    return JSON.parse(await callAsync<string>(this.facade, 'jobExecutionResult', this.handle)) as JobExecutionResult;
  }
}
