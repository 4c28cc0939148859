/**
 * A handle on the job a statement submitted, mirroring org.apache.flink.core.execution.JobClient:
 * its id and status, cancel, and savepoints. Resume a job from a savepoint by setting
 * `execution.state-recovery.path` on the environment's config before running the same query again.
 */
import { Results, type Handle } from '../gateway/facade';

/** Flink's SavepointFormatType: CANONICAL is portable across state backends, NATIVE is faster. */
export type SavepointFormatType = 'CANONICAL' | 'NATIVE';

export class JobClient {
  /** @param result the handle of the TableResult whose job this is */
  constructor(
    private readonly result: Handle,
    private readonly jobId: string,
  ) {}

  getJobID(): string {
    return this.jobId;
  }

  /** RUNNING, FINISHED, CANCELED, FAILED, ... */
  async getJobStatus(): Promise<string> {
    return (await Results.jobStatus(this.result)) ?? 'UNKNOWN';
  }

  async cancel(): Promise<void> {
    await Results.cancel(this.result);
  }

  /**
   * Stops the job with a savepoint and resolves to the savepoint's path. With
   * `advanceToEndOfEventTime` (SQL's WITH DRAIN) the sources emit MAX_WATERMARK first, so every
   * event-time window and timer fires before the job stops. Without a directory, Flink's
   * `state.savepoints.dir` is used.
   */
  async stopWithSavepoint(advanceToEndOfEventTime = false, savepointDirectory?: string, formatType: SavepointFormatType = 'CANONICAL'): Promise<string> {
    return Results.stopWithSavepoint(this.result, advanceToEndOfEventTime, savepointDirectory ?? null, formatType);
  }

  /** Takes a savepoint while the job keeps running, and resolves to its path. */
  async triggerSavepoint(savepointDirectory?: string, formatType: SavepointFormatType = 'CANONICAL'): Promise<string> {
    return Results.triggerSavepoint(this.result, savepointDirectory ?? null, formatType);
  }
}
