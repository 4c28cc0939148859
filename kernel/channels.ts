/**
 * The kernel's five ZeroMQ sockets, bound to the connection file's ip and ports, with signed
 * sending serialized per socket (zeromq.js allows one send in flight per socket).
 */
import { Publisher, Reply, Router } from 'zeromq';
import { ControlRelay } from './control-relay';
import { kernelLog } from './stdio';
import { decode, encode, endpoint, newHeader, type ConnectionInfo, type Header, type JsonObject, type Message, type Signer, WireError } from './wire';

type Sendable = { send(frames: Buffer[]): Promise<void> };

class SerialSender {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: Sendable) {}

  send(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(() => this.socket.send(frames));
    this.tail = next.catch((err: unknown) => {
      kernelLog(`send failed: ${(err as Error).message}`);
    });
    return this.tail;
  }
}

export type ChannelName = 'shell' | 'control' | 'stdin';

export class Channels {
  readonly shell = new Router({ linger: 1000 });
  /** On a thread of its own, so that an interrupt_request reaches a cell stuck in synchronous code. */
  readonly control: ControlRelay;
  readonly stdin = new Router({ linger: 1000 });
  readonly iopub = new Publisher({ linger: 1000 });
  readonly hb = new Reply({ linger: 0 });
  private readonly senders: Record<ChannelName | 'iopub', SerialSender>;
  private closed = false;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly signer: Signer,
    /** The kernel's session id (header.session of everything it sends). */
    readonly session: string,
    private readonly log: (line: string) => void,
  ) {
    this.control = new ControlRelay(endpoint(info, info.control_port), info.key, log);
    this.senders = {
      shell: new SerialSender(this.shell),
      control: new SerialSender(this.control),
      stdin: new SerialSender(this.stdin),
      iopub: new SerialSender(this.iopub),
    };
  }

  async bind(): Promise<void> {
    const i = this.info;
    await Promise.all([
      this.shell.bind(endpoint(i, i.shell_port)),
      this.control.bound(),
      this.stdin.bind(endpoint(i, i.stdin_port)),
      this.iopub.bind(endpoint(i, i.iopub_port)),
      this.hb.bind(endpoint(i, i.hb_port)),
    ]);
    void this.echoHeartbeats();
  }

  private async echoHeartbeats(): Promise<void> {
    try {
      for await (const frames of this.hb) await this.hb.send(frames);
    } catch (err) {
      if (!this.closed) this.log(`heartbeat stopped: ${(err as Error).message}`);
    }
  }

  /** Reads signed messages from a channel; unsigned or badly signed ones are logged and dropped. */
  async *messages(channel: ChannelName): AsyncGenerator<Message> {
    const socket: AsyncIterable<unknown> = this[channel];
    try {
      for await (const received of socket) {
        const relayed = channel === 'control' ? (received as { frames: Buffer[]; interruptSignalled: boolean }) : undefined;
        const frames = relayed ? relayed.frames : (received as Buffer[]);
        try {
          const msg = decode(frames, this.signer);
          if (relayed?.interruptSignalled) msg.interruptSignalled = true;
          yield msg;
        } catch (err) {
          if (err instanceof WireError) this.log(`rejected a message on ${channel}: ${err.message}`);
          else throw err;
        }
      }
    } catch (err) {
      if (!this.closed) this.log(`${channel} channel stopped: ${(err as Error).message}`);
    }
  }

  /** Sends a reply (or a stdin request) to the requester of `parent`. */
  reply(channel: ChannelName, parent: Message, msgType: string, content: JsonObject, metadata: JsonObject = {}): Promise<void> {
    const msg = { identities: parent.identities, header: newHeader(msgType, this.session), parent_header: parent.header, metadata, content };
    return this.senders[channel].send(encode(msg, this.signer));
  }

  /** Publishes a side effect on iopub, topic = msg_type as in ipykernel. */
  publish(msgType: string, content: JsonObject, parent?: Header): Promise<void> {
    const msg = {
      identities: [Buffer.from(`kernel.${this.session}.${msgType}`)],
      header: newHeader(msgType, this.session),
      parent_header: parent ?? {},
      metadata: {},
      content,
    };
    return this.senders.iopub.send(encode(msg, this.signer));
  }

  close(): void {
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) s.close();
  }
}
