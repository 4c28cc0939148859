// TSFlink's glue for DataStream functions in embedded mode (EmbeddedStreamOperator.java), evaluated
// once per operator instance in its JS runtime. The same semantics as process mode's worker
// (src/worker/operations/datastream.ts), with Flink's own state and timers behind `host`, the
// operator's bound Java object. It returns the entry points Java calls:
//   open(baseContext)          the user's open(ctx), ctx with the keyed state getters
//   element(value, ts, side)   the encoded results of one record (a keyed one's value) of input `side` (0; 1 for the
//                              second of connected streams), or PENDING if its Promise must settle
//   elementRow(ts, ...fields)  the same for a ROW of basic fields, passed field by field
//   onTimer(ts, domain)        the same for a timer of the current key (domain 0 event, 1 processing time)
//   take()                     the results (or error) of the Promise element/onTimer left
//   close()                    the user's close()
// Records arrive as Javet makes Java values (ROW an object by field name, TUPLE an array, LONG a
// number where exact, untyped values as their JSON text or V8 bytes) and leave as the Java side
// takes them (ROW and TUPLE as arrays in field order, untyped values as JSON text or V8 bytes).
(kind, name, exported, host, inSpecJson, outSpecJson, keySpecJson, nodeEngine) => {
  const inSpec = JSON.parse(inSpecJson);
  const outSpec = JSON.parse(outSpecJson);
  const keySpec = keySpecJson === null ? null : JSON.parse(keySpecJson);
  const PENDING = null; // element's results are an array, so null says "call take()"
  const v8 = nodeEngine ? globalThis.require('v8') : null;
  const what = `${kind} '${name}'`;

  // --- untyped values (Types.PICKLED_BYTE_ARRAY): JSON where JSON keeps the value, else V8's bytes,
  // as src/worker/coders/untyped.ts writes and reads them (its exactness rule is repeated here, kept
  // in step by hand: a bare V8 isolate cannot load that module)
  const fromV8 = (bytes) => {
    if (!v8) {
      throw new TypeError(`${what}: an untyped record holds a value only V8's serialization keeps (a bigint, Date, Map, undefined, ...); ` +
        "embedded mode's v8 engine reads JSON values only: give the stream a type (Types.*), or use process mode");
    }
    return v8.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  };
  const decodeUntyped = (v) => (v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : fromV8(v));
  let inexact = false;
  function exactInJson(key, value) {
    if (inexact) return undefined;
    const raw = this[key];
    switch (typeof raw) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (!Number.isFinite(raw) || Object.is(raw, -0)) inexact = true;
        return value;
      case 'object': {
        if (raw === null || Array.isArray(raw)) return value;
        if (typeof raw.toJSON === 'function') {
          inexact = true;
          return null;
        }
        const proto = Object.getPrototypeOf(raw);
        if (proto === Object.prototype || proto === null) return value;
        inexact = true;
        return null;
      }
      default:
        inexact = true;
        return null;
    }
  }
  const encodeUntyped = (v, where) => {
    inexact = false;
    let json;
    try {
      json = JSON.stringify(v, exactInJson);
    } catch {
      inexact = true;
    }
    if (!inexact && json !== undefined) return json;
    if (!v8) {
      throw new TypeError(`${where}: ${describe(v)} needs V8's serialization, which embedded mode's v8 engine does not have ` +
        '(untyped values are JSON there): give the stream a type (Types.*), keep JSON values, or use process mode');
    }
    return v8.serialize(v);
  };
  const describe = (v) => {
    if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}' (string)`;
    if (typeof v === 'bigint') return `${v}n (bigint)`;
    if (typeof v === 'object' && v !== null) return `a ${Object.getPrototypeOf(v)?.constructor?.name ?? 'null-prototype'} object`;
    return `${String(v)} (${typeof v})`;
  };

  // --- decoders: Java's values → the records TS functions get (identity where nothing changes)
  const hasUntyped = (spec) => spec === 'PICKLED' || (typeof spec === 'object' && (spec.row ? spec.row.some(([, t]) => hasUntyped(t)) : spec.tuple.some(hasUntyped)));
  const decoder = (spec) => {
    if (!hasUntyped(spec)) return null;
    if (spec === 'PICKLED') return decodeUntyped;
    if (spec.row) {
      const fields = spec.row.map(([n, t]) => [n, decoder(t)]).filter(([, d]) => d);
      return (o) => {
        if (o === null || o === undefined) return null;
        for (const [n, d] of fields) o[n] = d(o[n]);
        return o;
      };
    }
    const fields = spec.tuple.map((t, i) => [i, decoder(t)]).filter(([, d]) => d);
    return (a) => {
      if (a === null || a === undefined) return null;
      for (const [i, d] of fields) a[i] = d(a[i]);
      return a;
    };
  };
  const decode = (spec) => decoder(spec) ?? ((v) => v);

  // --- encoders: a TS value → what the Java side makes a record of the declared type, checked
  const INT_MIN = -(2 ** 31);
  const INT_MAX = 2 ** 31 - 1;
  const encoder = (spec, top) => {
    const label = typeof spec === 'string' ? spec : spec.row ? 'ROW' : 'TUPLE';
    const bad = (v, where) => {
      throw new TypeError(`${where}: ${describe(v)} is not a ${label}`);
    };
    const nullable = (f) => (v, where) => {
      if (v === null || v === undefined) {
        if (top) throw new TypeError(`${where}: a null record, and Flink's ${label} records cannot be null (wrap it in a ROW, or use an untyped stream)`);
        return null;
      }
      return f(v, where);
    };
    switch (label) {
      case 'PICKLED':
        return (v, where) => encodeUntyped(v === undefined ? null : v, where);
      case 'STRING':
        return nullable((v, where) => (typeof v === 'string' ? v : bad(v, where)));
      case 'BOOLEAN':
        return nullable((v, where) => (typeof v === 'boolean' ? v : bad(v, where)));
      case 'INT':
        return nullable((v, where) => (Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX ? v : bad(v, where)));
      case 'LONG':
        return nullable((v, where) => (Number.isSafeInteger(v) || (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) ? v : bad(v, where)));
      case 'DOUBLE':
      case 'FLOAT':
        return nullable((v, where) => (typeof v === 'number' ? v : bad(v, where)));
      case 'ROW': {
        const fields = spec.row.map(([n, t]) => [n, encoder(t, false)]);
        return nullable((v, where) => {
          if (typeof v !== 'object' || Array.isArray(v)) bad(v, where);
          return fields.map(([n, e]) => e(v[n], `${where}: field '${n}'`));
        });
      }
      case 'TUPLE': {
        const fields = spec.tuple.map((t) => encoder(t, false));
        return nullable((v, where) => {
          if (!Array.isArray(v) || v.length !== fields.length) bad(v, where);
          return fields.map((e, i) => e(v[i], `${where}: field ${i}`));
        });
      }
      default:
        throw new TypeError(`${what}: unknown record type ${label}`);
    }
  };
  const encodeOut = encoder(outSpec, true);
  const resultWhere = `${what}: its result`;
  const encodeAll = (results) => results.map((r) => encodeOut(r, resultWhere));

  // --- the user's functions, as process mode finds them
  const method = (m) => {
    if (typeof exported === 'function') return exported;
    const f = exported?.[m];
    if (typeof f !== 'function') throw new TypeError(`${what}: the shipped object has no ${m}() method`);
    return f.bind(exported);
  };
  const collectInto = (results, returned) => {
    if (returned === undefined || returned === null) return;
    if (typeof returned === 'object' && Symbol.iterator in returned && typeof returned !== 'string') {
      for (const r of returned) results.push(r);
    } else {
      results.push(returned);
    }
  };
  const isThenable = (v) => typeof v === 'object' && v !== null && typeof v.then === 'function';

  // --- context: timestamps, watermarks, timers, side outputs, keyed state
  let ts = null;
  let domain;
  const MIN_SAFE = Number.MIN_SAFE_INTEGER;
  const watermark = () => Math.max(host.currentWatermark(), MIN_SAFE);
  const keyed = keySpec !== null;
  const decodeKey = decode(keySpec ?? 'LONG');
  const currentKey = () => decodeKey(host.currentKey());
  const timer = (operand) => (t) => {
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new TypeError(`a timer needs a timestamp in ms, got ${String(t)}`);
    host.timer(operand, Math.trunc(t));
  };
  const timerService = keyed
    ? {
        currentWatermark: watermark,
        currentProcessingTime: () => host.currentProcessingTime(),
        registerEventTimeTimer: timer(0),
        registerProcessingTimeTimer: timer(1),
        deleteEventTimeTimer: timer(2),
        deleteProcessingTimeTimer: timer(3),
      }
    : { currentWatermark: watermark, currentProcessingTime: () => host.currentProcessingTime() };
  const sideEncoders = new Map();
  const output = (tag, value) => {
    const id = tag?.id;
    if (typeof id !== 'string') throw new TypeError('ctx.output() needs an OutputTag');
    let e = sideEncoders.get(id);
    if (!e) {
      const spec = tag.typeSpec ?? 'PICKLED';
      e = [encoder(spec, true), JSON.stringify(spec)];
      sideEncoders.set(id, e);
    }
    host.sideOutput(id, e[1], e[0](value, `${what}: its side output '${id}'`));
  };
  const ctx = { timestamp: () => ts, timerService: () => timerService, output };
  if (keyed) {
    ctx.getCurrentKey = currentKey;
    ctx.timeDomain = () => domain;
  }

  // state values are untyped values in Flink's state (their JSON text, or V8's bytes with the node engine)
  const state = (where) => ({ enc: (v) => encodeUntyped(v === undefined ? null : v, where), dec: decodeUntyped });
  const noKey = (m) => () => {
    throw new Error(`${m}: keyed state is only available on a KeyedStream (keyBy(...) first)`);
  };
  const ttl = (d) => (d.ttlConfig ? JSON.stringify(d.ttlConfig) : null);
  const single = (d) => {
    const id = host.state('value', String(d.name), ttl(d));
    const { enc, dec } = state(`${what}: the value of state '${d.name}'`);
    return {
      value: async () => dec(host.valueGet(id)),
      update: async (v) => void host.valueSet(id, enc(v)),
      clear: async () => void host.clear(id),
      // the same, synchronous: for reduce, which runs without a Promise
      now: () => dec(host.valueGet(id)),
      set: (v) => void host.valueSet(id, enc(v)),
    };
  };
  const stateStore = keyed
    ? {
        getState: (d) => {
          const { value, update, clear } = single(d);
          return { value, update, clear };
        },
        getListState: (d) => {
          const id = host.state('list', String(d.name), ttl(d));
          const { enc, dec } = state(`${what}: an element of state '${d.name}'`);
          return {
            get: async () => (host.listGet(id) ?? []).map(dec),
            add: async (v) => void host.listAdd(id, enc(v)),
            update: async (vs) => {
              host.clear(id);
              for (const v of vs) host.listAdd(id, enc(v));
            },
            clear: async () => void host.clear(id),
          };
        },
        getMapState: (d) => {
          const id = host.state('map', String(d.name), ttl(d));
          const { enc, dec } = state(`${what}: an entry of state '${d.name}'`);
          const value = (b) => (b === null || b === undefined ? undefined : dec(b));
          return {
            get: async (k) => value(host.mapGet(id, enc(k))),
            put: async (k, v) => void host.mapPut(id, enc(k), enc(v)),
            contains: async (k) => host.mapContains(id, enc(k)),
            remove: async (k) => void host.mapRemove(id, enc(k)),
            isEmpty: async () => host.mapIsEmpty(id),
            clear: async () => void host.clear(id),
          };
        },
        getReducingState: (d) => {
          const s = single(d);
          const f = d.reduceFunction;
          const reduce = typeof f === 'function' ? f : (a, b) => f.reduce(a, b);
          return {
            get: s.value,
            add: async (v) => {
              const prev = s.now();
              s.set(prev === null ? v : reduce(prev, v));
            },
            clear: s.clear,
          };
        },
        getAggregatingState: (d) => {
          const s = single(d);
          const agg = d.aggregateFunction;
          return {
            get: async () => {
              const acc = s.now();
              return acc === null ? null : agg.getResult(acc);
            },
            add: async (v) => {
              const acc = s.now();
              s.set(agg.add(v, acc === null ? agg.createAccumulator() : acc));
            },
            clear: s.clear,
          };
        },
      }
    : Object.fromEntries(['getState', 'getListState', 'getMapState', 'getReducingState', 'getAggregatingState'].map((m) => [m, noKey(m)]));

  // --- one record: the kind's call, returning the results (or a Promise of them)
  // a keyed function gets the value of Row(key, value) (the key added by keyBy): Java passes it alone
  // the functions of connected streams have two inputs: inSpec is then the array of their types
  const twoInputs = ['coMap', 'coFlatMap', 'coProcess', 'keyedCoProcess'].includes(kind);
  const valueSpecs = (twoInputs ? inSpec : [inSpec]).map((spec) => (keyed ? spec.row[1][1] : spec));
  const decodeIns = valueSpecs.map(decode);
  const valueSpec = valueSpecs[0];
  const rowNames = typeof valueSpec === 'object' && valueSpec.row ? valueSpec.row.map(([n]) => n) : [];
  let call;
  const run = (f, ...a) => {
    const results = [];
    const out = { collect: (x) => void results.push(x) };
    const r = f(...a, out);
    if (isThenable(r)) return r.then((x) => (collectInto(results, x), results));
    collectInto(results, r);
    return results;
  };
  switch (kind) {
    case 'map': {
      const f = method('map');
      call = (v) => {
        const r = f(v);
        return isThenable(r) ? r.then((x) => [x]) : [r];
      };
      break;
    }
    case 'filter': {
      const f = method('filter');
      call = (v) => {
        const r = f(v);
        return isThenable(r) ? r.then((x) => (x ? [v] : [])) : r ? [v] : [];
      };
      break;
    }
    case 'flatMap': {
      const f = method('flatMap');
      call = (v) => run(f, v);
      break;
    }
    case 'process':
    case 'keyedProcess': {
      const f = method('processElement');
      call = (v) => run(f, v, ctx);
      break;
    }
    case 'keyBy': {
      const f = method('getKey');
      call = (v) => [{ key: f(v), value: v }];
      break;
    }
    case 'coMap': {
      const [f1, f2] = [method('map1'), method('map2')];
      call = (v, side) => {
        const r = (side ? f2 : f1)(v);
        return isThenable(r) ? r.then((x) => [x]) : [r];
      };
      break;
    }
    case 'coFlatMap': {
      const [f1, f2] = [method('flatMap1'), method('flatMap2')];
      call = (v, side) => run(side ? f2 : f1, v);
      break;
    }
    case 'coProcess':
    case 'keyedCoProcess': {
      const [f1, f2] = [method('processElement1'), method('processElement2')];
      call = (v, side) => run(side ? f2 : f1, v, ctx);
      break;
    }
    case 'reduce': {
      const f = method('reduce');
      let s;
      call = (v) => {
        s ??= single({ name: `reduce:${name}` });
        const prev = s.now();
        const next = prev === null ? v : f(prev, v);
        if (isThenable(next)) throw new TypeError(`${what}: reduce() returned a Promise; a ReduceFunction is synchronous`);
        s.set(next);
        return [next];
      };
      break;
    }
    default:
      throw new TypeError(`embedded mode does not run '${kind}' functions`);
  }
  const userTimer = typeof exported === 'object' && exported !== null && typeof exported.onTimer === 'function' ? exported.onTimer.bind(exported) : null;

  let taken;
  const settle = (r) => {
    if (!isThenable(r)) return encodeAll(r);
    taken = undefined;
    r.then(
      (x) => void (taken = { ok: true, value: x }),
      (e) => void (taken = { ok: false, error: e }),
    );
    return PENDING;
  };
  return {
    open: (base) => {
      const o = typeof exported === 'object' && exported !== null ? exported.open : undefined;
      if (typeof o !== 'function') return [];
      // (not keyed: getters that say why there is no keyed state)
      const r = o.call(exported, Object.assign(base, stateStore));
      // a Promise open() returns must settle within the call, as element's (see take())
      return isThenable(r) ? settle(r.then(() => [])) : [];
    },
    element: (raw, timestamp, side = 0) => {
      ts = timestamp;
      domain = undefined;
      return settle(call(decodeIns[side](raw), side));
    },
    // a ROW of basic fields, field by field (EmbeddedStreamOperator.flatRowArguments)
    elementRow: (timestamp, ...fields) => {
      ts = timestamp;
      domain = undefined;
      const o = {};
      for (let i = 0; i < rowNames.length; i++) o[rowNames[i]] = fields[i];
      return settle(call(o, 0));
    },
    onTimer: (timestamp, timeDomain) => {
      if (!userTimer) return [];
      ts = timestamp;
      domain = timeDomain === 0 ? 'EVENT_TIME' : 'PROCESSING_TIME';
      return settle(run(userTimer, timestamp, ctx));
    },
    take: () => {
      const t = taken;
      taken = undefined;
      if (t === undefined) {
        throw new Error(`${what} returned a Promise that did not settle within the call: in embedded mode a DataStream function ` +
          'may await keyed state and other Promises that settle at once, but not timers or I/O (use AsyncDataStream for those, or process mode)');
      }
      if (!t.ok) throw t.error;
      return encodeAll(t.value);
    },
    close: () => {
      const c = typeof exported === 'object' && exported !== null ? exported.close : undefined;
      if (typeof c !== 'function') return [];
      const r = c.call(exported);
      return isThenable(r) ? settle(r.then(() => [])) : [];
    },
  };
};
