/**
 * Big-endian byte reading and writing in the layout of Java's DataInput/DataOutput (what Flink's
 * serializers use), plus Beam's unsigned varints.
 */

export class ByteReader {
  /** Numbers are read through a DataView, which V8 compiles to plain loads (Buffer's readers are JS). */
  private readonly view: DataView;

  constructor(
    public buf: Buffer,
    public pos = 0,
    public end = buf.length,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new RangeError(`truncated data: need ${n} byte(s) at offset ${p}, have ${this.end - p}`);
    this.pos = p + n;
    return p;
  }

  u8(): number {
    return this.buf[this.need(1)];
  }
  i8(): number {
    return this.view.getInt8(this.need(1));
  }
  i16(): number {
    return this.view.getInt16(this.need(2));
  }
  i32(): number {
    return this.view.getInt32(this.need(4));
  }
  i64(): bigint {
    const p = this.need(8);
    const hi = this.view.getInt32(p);
    const lo = this.view.getUint32(p + 4);
    // one BigInt instead of Buffer#readBigInt64BE's several, when the value is a safe integer
    if (hi >= -0x200000 && hi < 0x200000) return BigInt(hi * 4294967296 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  /** A Java long known to fit a double exactly (millis, counts). */
  i64Number(): number {
    const p = this.need(8);
    return this.view.getInt32(p) * 4294967296 + this.view.getUint32(p + 4);
  }
  f32(): number {
    return this.view.getFloat32(this.need(4));
  }
  f64(): number {
    return this.view.getFloat64(this.need(8));
  }
  utf8(n: number): string {
    const p = this.need(n);
    return this.buf.toString('utf8', p, p + n);
  }
  /** A copy, so values outlive the network buffer. */
  bytes(n: number): Uint8Array {
    const p = this.need(n);
    return new Uint8Array(this.buf.subarray(p, p + n));
  }
  /** Unsigned LEB128 varint (Beam's length prefixes and VarInt). */
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new RangeError('varint too long');
    }
  }
}

export class ByteWriter {
  buf: Buffer;
  pos = 0;
  private view: DataView;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  i8(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.pos, v);
    this.pos += 1;
  }
  i16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }
  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }
  /** A Java long from a safe-integer number. */
  i64Number(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / 4294967296);
    this.view.setInt32(this.pos, hi);
    this.view.setUint32(this.pos + 4, v - hi * 4294967296);
    this.pos += 8;
  }
  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }
  /** Java's StringData layout: int byte length + UTF-8. */
  lengthPrefixedUtf8(s: string): void {
    this.ensure(4 + s.length * 3);
    const start = this.pos + 4;
    const buf = this.buf;
    // short ASCII strings (most keys, codes, names) are copied here: Buffer#write costs ~3× more
    if (s.length <= 64) {
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === s.length) {
        this.view.setInt32(this.pos, i);
        this.pos = start + i;
        return;
      }
    }
    const n = buf.write(s, start, 'utf8');
    this.view.setInt32(this.pos, n);
    this.pos = start + n;
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  /** Reserves one byte for a varint length prefix that `endPrefixed` fills in. */
  beginPrefixed(): number {
    this.ensure(1);
    return this.pos++;
  }
  endPrefixed(start: number): void {
    const len = this.pos - start - 1;
    if (len < 0x80) {
      this.buf[start] = len;
      return;
    }
    let extra = 0;
    for (let v = len >>> 7; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copy(this.buf, start + 1 + extra, start + 1, this.pos);
    this.pos = start;
    this.varint(len);
    this.pos += len;
  }
  /** The written bytes (a copy) and a reset writer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}
