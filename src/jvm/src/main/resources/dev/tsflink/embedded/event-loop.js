// TSFlink's glue for async TypeScript UDFs in embedded mode (JsEventLoop.java): evaluated once per
// runtime, on the runtime's own thread. It returns the three entry points Java calls:
//   start(id, ...args)  calls the user's function and notes how its Promise settles;
//   runTimers()         runs the timers that are due;
//   settled()           ms until the next timer (-1: none), then the settlements since the last
//                       call, flat: [next, id, ok, value-or-error, ...]. Java calls it last: the
//                       microtasks of the calls before it (which may set timers) have run by then.
// A bare V8 isolate (the 'v8' engine) has no event loop: its timers are kept here and run when Java
// says so. The 'node' engine has Node.js's own, which Java drives instead (runTimers is not used).
(fn, target, ownTimers) => {
  const done = [];
  // an error's text for the Java side: its stack (which JsRuntime maps to the user's TS lines), or
  // what a thrown non-Error is
  const describe = (e) => {
    if (e instanceof Error) return e.stack || `${e.name}: ${e.message}`;
    let text;
    try {
      text = typeof e === 'string' ? e : JSON.stringify(e);
    } catch {
      text = String(e);
    }
    return `Error: the Promise was rejected with ${text === undefined ? String(e) : text} (not an Error)`;
  };
  const start = (id, ...args) => {
    let result;
    try {
      result = fn.apply(target, args);
    } catch (e) {
      done.push(id, false, describe(e));
      return;
    }
    Promise.resolve(result).then(
      (v) => void done.push(id, true, v === undefined ? null : v),
      (e) => void done.push(id, false, describe(e)),
    );
  };
  const settled = () => [nextTimer(), ...done.splice(0, done.length)];

  const timers = new Map();
  let nextId = 1;
  // what setTimeout returns: a number for clearTimeout, with Node.js's ref/unref so that code
  // written for Node.js runs unchanged
  class Timeout {
    constructor(id) {
      this.id = id;
    }
    ref() {
      return this;
    }
    unref() {
      return this;
    }
    hasRef() {
      return true;
    }
    refresh() {
      const t = timers.get(this.id);
      if (t) t.due = Date.now() + t.delay;
      return this;
    }
    [Symbol.toPrimitive]() {
      return this.id;
    }
  }
  const add = (callback, ms, args, repeat) => {
    if (typeof callback !== 'function') throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    const delay = Math.max(repeat ? 1 : 0, Number(ms) || 0);
    const id = nextId++;
    timers.set(id, { callback, args, delay, due: Date.now() + delay, repeat });
    return new Timeout(id);
  };
  const clear = (t) => {
    if (t != null) timers.delete(Number(t));
  };
  const runTimers = () => {
    const now = Date.now();
    const due = [];
    for (const [id, t] of timers) if (t.due <= now) due.push([id, t]);
    due.sort((a, b) => a[1].due - b[1].due || a[0] - b[0]);
    for (const [id, t] of due) {
      if (!timers.has(id)) continue; // cleared by an earlier callback
      if (t.repeat) t.due = now + t.delay;
      else timers.delete(id);
      t.callback(...t.args);
    }
  };
  const nextTimer = () => {
    let next = -1;
    const now = Date.now();
    for (const t of timers.values()) {
      const wait = Math.max(0, t.due - now);
      if (next < 0 || wait < next) next = wait;
    }
    return next;
  };
  if (ownTimers) {
    globalThis.setTimeout = (callback, ms, ...args) => add(callback, ms, args, false);
    globalThis.setInterval = (callback, ms, ...args) => add(callback, ms, args, true);
    globalThis.setImmediate = (callback, ...args) => add(callback, 0, args, false);
    globalThis.clearTimeout = clear;
    globalThis.clearInterval = clear;
    globalThis.clearImmediate = clear;
  }
  if (typeof globalThis.queueMicrotask !== 'function') {
    globalThis.queueMicrotask = (callback) => void Promise.resolve().then(callback);
  }
  return [start, runTimers, settled];
};
