package dev.tsflink.gateway;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Keeps Node's SIGCHLD handler when the JVM prepares to start processes.
 *
 * <p>The JDK's {@code java.lang.ProcessImpl} sets SIGCHLD to {@code SIG_DFL} in its static
 * initializer ({@code ProcessImpl_md.c}, {@code setSIGCHLDHandler}), the first time anything in
 * the JVM starts a process — in a session that is flink-python launching the first UDF worker.
 * The JVM lives in the Node process, so this replaces libuv's SIGCHLD handler, and libuv installs
 * it only when the first child watcher of the process starts: while Node has any child (tsx's
 * esbuild service, a process a cell or an npm package started), it never installs it again, and
 * Node never learns that a child exited ({@code execSync} blocks forever, {@code exec} never calls
 * back). The JDK needs SIGCHLD not to be ignored (so {@code waitpid} reports exits); libuv's
 * handler only wakes its loop, which reaps its own pids, so both work with libuv's handler.
 *
 * <p>{@link #initProcessSupport()} runs that static initializer once, at JVM start, and puts back
 * the handler that was there before. {@code sun.misc.Signal.handle} returns a foreign (native)
 * handler as an opaque object and reinstalls it when handed back.
 */
public final class ChildSignals {
  private ChildSignals() {}

  /** Returns what it did, for the log: "restored", "none" (no handler to keep) or "ignored". */
  public static String initProcessSupport() throws ClassNotFoundException {
    Signal chld = new Signal("CHLD");
    SignalHandler before = Signal.handle(chld, SignalHandler.SIG_DFL);
    try {
      Class.forName("java.lang.ProcessImpl", true, null);
    } finally {
      // SIG_IGN would stop the JDK from seeing its children's exits; SIG_DFL is what it sets itself.
      if (before != SignalHandler.SIG_DFL && before != SignalHandler.SIG_IGN) Signal.handle(chld, before);
    }
    if (before == SignalHandler.SIG_IGN) return "ignored";
    return before == SignalHandler.SIG_DFL ? "none" : "restored";
  }
}
