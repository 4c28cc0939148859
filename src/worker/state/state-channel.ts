/**
 * The worker's end of Beam's State service (`BeamFnState.State`): requests go out on one
 * bidirectional stream per state endpoint, tagged with an id; the runner answers each id once.
 * flink-python's Java handlers (BeamStateRequestHandler) serve them from the operator's keyed state
 * backend, in the order they were sent, so callers may send several requests before awaiting any.
 */
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { fnApi } from '../fn-api';

type Stream = ClientDuplexStream<fnApi.IStateRequest, fnApi.StateResponse>;

/** What the keyed state needs of a channel: one request, its response. */
export interface StateRequester {
  request(instructionId: string, req: Omit<fnApi.IStateRequest, 'id' | 'instruction_id'>): Promise<fnApi.StateResponse>;
}

export class StateChannel implements StateRequester {
  private nextId = 0;
  private readonly pending = new Map<string, { resolve(r: fnApi.StateResponse): void; reject(e: Error): void }>();
  private broken?: Error;

  constructor(private readonly stream: Stream) {
    stream.on('data', (r: fnApi.StateResponse) => this.answer(r));
    const fail = (e: Error) => {
      this.broken = new Error(`the state stream to Flink ended: ${e.message}`);
      for (const p of this.pending.values()) p.reject(this.broken);
      this.pending.clear();
    };
    stream.on('error', fail);
    stream.on('end', () => fail(new Error('closed by the runner')));
  }

  /** Sends one request of bundle `instructionId` and resolves with its response (rejects on an error response). */
  request(instructionId: string, req: Omit<fnApi.IStateRequest, 'id' | 'instruction_id'>): Promise<fnApi.StateResponse> {
    if (this.broken) return Promise.reject(this.broken);
    const id = String(++this.nextId);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.stream.write({ ...req, id, instruction_id: instructionId });
    });
  }

  private answer(r: fnApi.StateResponse): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.error) p.reject(new Error(`Flink's state service failed a request: ${r.error}`));
    else p.resolve(r);
  }

  close(): void {
    this.stream.end();
  }
}
