/**
 * The Jupyter wire protocol (messaging spec 5.x): the connection file, HMAC-SHA256 signing and the
 * multipart frame layout `[identities…, '<IDS|MSG>', signature, header, parent_header, metadata,
 * content, buffers…]`.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';

export const PROTOCOL_VERSION = '5.3';
const DELIMITER = Buffer.from('<IDS|MSG>');

export interface ConnectionInfo {
  ip: string;
  transport: 'tcp' | 'ipc';
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export function readConnectionFile(file: string): ConnectionInfo {
  const info = JSON.parse(fs.readFileSync(file, 'utf8')) as ConnectionInfo;
  for (const k of ['ip', 'transport', 'shell_port', 'control_port', 'iopub_port', 'stdin_port', 'hb_port'] as const) {
    if (info[k] === undefined) throw new Error(`connection file ${file} lacks '${k}'`);
  }
  info.key ??= '';
  info.signature_scheme ??= 'hmac-sha256';
  if (info.key !== '' && info.signature_scheme !== 'hmac-sha256') {
    throw new Error(`unsupported signature_scheme '${info.signature_scheme}' (only hmac-sha256)`);
  }
  return info;
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === 'ipc' ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export type JsonObject = { [k: string]: unknown };

export interface Message {
  identities: Buffer[];
  header: Header;
  /** The request's header for replies and side effects; {} when there is none. */
  parent_header: Header | Record<string, never>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: Buffer[];
  /** Not on the wire: the control relay already raised SIGINT for this interrupt_request. */
  interruptSignalled?: boolean;
}

export class Signer {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(parts: Buffer[]): string {
    if (!this.enabled) return '';
    const h = createHmac('sha256', this.key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }

  verify(signature: string, parts: Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), 'utf8');
    const got = Buffer.from(signature, 'utf8');
    return got.length === expected.length && timingSafeEqual(got, expected);
  }
}

export class WireError extends Error {
  override readonly name = 'WireError';
}

/** Decodes and verifies a multipart message; throws WireError for a malformed or badly signed one. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new WireError('no <IDS|MSG> delimiter');
  if (frames.length < at + 6) throw new WireError(`expected 6 frames after the identities, got ${frames.length - at}`);
  const signature = frames[at + 1].toString('utf8');
  const parts = frames.slice(at + 2, at + 6);
  if (signer.enabled && signature === '') throw new WireError('unsigned message');
  if (!signer.verify(signature, parts)) throw new WireError('invalid signature');
  const [header, parent, metadata, content] = parts.map((p, i) => {
    try {
      return JSON.parse(p.toString('utf8')) as JsonObject;
    } catch {
      throw new WireError(`frame ${['header', 'parent_header', 'metadata', 'content'][i]} is not JSON`);
    }
  });
  if (typeof header.msg_type !== 'string') throw new WireError('header has no msg_type');
  return {
    identities: frames.slice(0, at),
    header: header as unknown as Header,
    parent_header: parent as Message['parent_header'],
    metadata,
    content,
    buffers: frames.slice(at + 6),
  };
}

export function encode(msg: Omit<Message, 'buffers'> & { buffers?: Buffer[] }, signer: Signer): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((o) => Buffer.from(JSON.stringify(o), 'utf8'));
  return [...msg.identities, DELIMITER, Buffer.from(signer.sign(parts), 'utf8'), ...parts, ...(msg.buffers ?? [])];
}

export function newHeader(msgType: string, session: string): Header {
  return { msg_id: randomUUID(), session, username: 'kernel', date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}
