package dev.tsflink.zeppelin;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Node process running TSFlink's interactive core (`node dist/zeppelin/main.js`), the session
 * an interpreter group's paragraphs share, and the client side of its line protocol
 * (zeppelin/protocol.ts): requests as JSON lines on its stdin, events as prefixed JSON lines on its
 * stdout. One reader thread dispatches events to the call they belong to.
 */
final class NodeCore implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(NodeCore.class);
  static final String EVENT_PREFIX = "\u001eTSF ";
  /** Flink configuration keys are passed through; these belong to Zeppelin or to us. */
  private static final String[] NOT_FLINK = {"zeppelin.", "tsflink.", "ZEPPELIN_", "SPARK_", "FLINK_HOME"};

  private final Process process;
  private final Writer stdin;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, Call> calls = new ConcurrentHashMap<>();
  private final CompletableFuture<Map<String, Object>> ready = new CompletableFuture<>();
  /** The process's last stderr lines, for the message when it fails to start or dies. */
  private final Deque<String> lastErrors = new ArrayDeque<>();
  private volatile String ended;
  /** The process id, from its ready event (Java 8 has no Process.pid()): where SIGINT goes. */
  private volatile long pid = -1;

  /** A request waiting for its answer; output events of an execute go to `output`. */
  private static final class Call {
    final Consumer<Map<String, Object>> output;
    final CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();

    Call(Consumer<Map<String, Object>> output) {
      this.output = output;
    }
  }

  private NodeCore(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread out = new Thread(this::readEvents, "tsflink-zeppelin-events");
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(this::readLog, "tsflink-zeppelin-log");
    err.setDaemon(true);
    err.start();
  }

  /** Where TSFlink is: the `tsflink.home` property, else $TSFLINK_HOME. */
  static File home(Properties p) {
    String home = p.getProperty("tsflink.home", "");
    if (home.trim().isEmpty()) home = System.getenv().getOrDefault("TSFLINK_HOME", "");
    if (home.trim().isEmpty()) throw new IllegalStateException("tsflink.home is not set: set the interpreter property tsflink.home (or $TSFLINK_HOME) to the TSFlink checkout, or install with `tsflink zeppelin install <zeppelin-dir>`");
    return new File(home);
  }

  /** Starts the process; its session starts in the background (awaitReady waits for it). */
  static NodeCore start(Properties p) throws IOException {
    File home = home(p);
    File main = new File(home, "dist/zeppelin/main.js");
    if (!main.isFile()) throw new IOException(main + " does not exist: build TSFlink first (npm run build in " + home + ")");
    String node = p.getProperty("tsflink.node", "");
    ProcessBuilder pb = new ProcessBuilder(node.trim().isEmpty() ? "node" : node, main.getPath());
    pb.directory(new File(p.getProperty("tsflink.cwd", "").trim().isEmpty() ? System.getProperty("user.dir") : p.getProperty("tsflink.cwd")));
    pb.environment().put("TSFLINK_ZEPPELIN_OPTIONS", sessionOptions(p));
    String jvm = p.getProperty("tsflink.jvmOptions", "");
    if (!jvm.trim().isEmpty()) pb.environment().put("TSFLINK_JVM_OPTS", jvm);
    LOGGER.info("Starting TSFlink: {}", pb.command());
    return new NodeCore(pb.start());
  }

  /** The session options (SessionOptions of src/session/session.ts) from the interpreter's properties. */
  static String sessionOptions(Properties p) {
    StringBuilder o = new StringBuilder("{");
    String remote = p.getProperty("tsflink.remote", "");
    if (!remote.trim().isEmpty()) o.append("\"remote\":").append(Json.quote(remote.trim())).append(',');
    String parallelism = p.getProperty("tsflink.parallelism", "");
    if (!parallelism.trim().isEmpty()) o.append("\"parallelism\":").append(Integer.parseInt(parallelism.trim())).append(',');
    String slots = p.getProperty("tsflink.slots", "");
    if (!slots.trim().isEmpty()) o.append("\"slots\":").append(Integer.parseInt(slots.trim())).append(',');
    String connectors = p.getProperty("tsflink.connectors", "");
    List<String> names = new ArrayList<>();
    for (String c : connectors.split(",")) if (!c.trim().isEmpty()) names.add(Json.quote(c.trim()));
    if (!names.isEmpty()) o.append("\"connectors\":[").append(String.join(",", names)).append("],");
    String cwd = p.getProperty("tsflink.cwd", "");
    if (!cwd.trim().isEmpty()) o.append("\"cwd\":").append(Json.quote(cwd)).append(',');
    o.append("\"config\":{");
    boolean first = true;
    for (String key : p.stringPropertyNames()) {
      if (isFlinkKey(key) && !p.getProperty(key).trim().isEmpty()) {
        o.append(first ? "" : ",").append(Json.quote(key)).append(':').append(Json.quote(p.getProperty(key)));
        first = false;
      }
    }
    return o.append("}}").toString();
  }

  private static boolean isFlinkKey(String key) {
    for (String prefix : NOT_FLINK) if (key.startsWith(prefix)) return false;
    return key.contains(".");
  }

  /** Waits until the session is up; throws with the reason (and the process's last words) if it is not. */
  Map<String, Object> awaitReady(long timeoutMs) throws IOException {
    try {
      return ready.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new IOException("TSFlink did not start within " + timeoutMs + " ms (tsflink.startTimeout)" + lastWords());
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while TSFlink started", e);
    }
  }

  boolean alive() {
    return ended == null && process.isAlive();
  }

  /** Why the process is gone, or null. */
  String ended() {
    return ended;
  }

  int nextId() {
    return ids.incrementAndGet();
  }

  /** Runs a cell; its output events (ops, progress) reach `output` (on the reader thread) until the answer comes. */
  Map<String, Object> execute(int id, String code, Consumer<Map<String, Object>> output) throws InterruptedException {
    Call call = new Call(output);
    calls.put(id, call);
    try {
      send("{\"type\":\"execute\",\"id\":" + id + ",\"code\":" + Json.quote(code) + "}");
      return call.done.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the TSFlink process: " + e.getMessage() + lastWords(), e);
    } finally {
      calls.remove(id);
    }
  }

  /** Asks to cancel request `id`; a cell busy in synchronous code cannot read it, so SIGINT follows if it has not ended after graceMs. */
  void cancel(int id, long graceMs) {
    Call call = calls.get(id);
    try {
      send("{\"type\":\"cancel\",\"id\":" + id + "}");
      if (call != null) call.done.get(graceMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      interruptProcess();
    } catch (Exception e) {
      LOGGER.warn("cancel of request {}: {}", id, e.toString());
    }
  }

  /** SIGINT: the core interrupts the running entry, also when it is stuck in synchronous code. */
  private void interruptProcess() {
    if (pid <= 0) return;
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOGGER.warn("could not send SIGINT to TSFlink: {}", e.toString());
    }
  }

  /** Completion at `cursor` of `code`; empty when the process does not answer within a few seconds. */
  Map<String, Object> complete(String code, int cursor) {
    int id = nextId();
    Call call = new Call(event -> { });
    calls.put(id, call);
    try {
      send("{\"type\":\"complete\",\"id\":" + id + ",\"code\":" + Json.quote(code) + ",\"cursor\":" + cursor + "}");
      return call.done.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOGGER.warn("completion: {}", e.toString());
      return java.util.Collections.emptyMap();
    } finally {
      calls.remove(id);
    }
  }

  private synchronized void send(String line) throws IOException {
    if (!alive()) throw new IOException(ended != null ? ended : "the TSFlink process has ended");
    stdin.write(line);
    stdin.write('\n');
    stdin.flush();
  }

  private String lastWords() {
    synchronized (lastErrors) {
      return lastErrors.isEmpty() ? "" : "\nIts last output:\n" + String.join("\n", lastErrors);
    }
  }

  @SuppressWarnings("unchecked")
  private void readEvents() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith(EVENT_PREFIX)) {
          // the in-process JVM's System.out (a print() sink, ...): not ours to parse
          LOGGER.info("[tsflink stdout] {}", line);
          continue;
        }
        Map<String, Object> e;
        try {
          e = (Map<String, Object>) Json.parse(line.substring(EVENT_PREFIX.length()));
        } catch (RuntimeException ex) {
          LOGGER.warn("bad event line {}: {}", line, ex.toString());
          continue;
        }
        dispatch(e);
      }
    } catch (IOException e) {
      LOGGER.warn("reading TSFlink's events: {}", e.toString());
    }
    int code;
    try {
      code = process.waitFor();
    } catch (InterruptedException e) {
      code = -1;
    }
    ended = "the TSFlink process ended (exit code " + code + ")";
    IllegalStateException gone = new IllegalStateException(ended + lastWords());
    ready.completeExceptionally(gone);
    for (Call c : calls.values()) c.done.completeExceptionally(gone);
  }

  @SuppressWarnings("unchecked")
  private void dispatch(Map<String, Object> e) {
    String type = String.valueOf(e.get("type"));
    switch (type) {
      case "ready":
        if (e.get("pid") instanceof Double) pid = ((Double) e.get("pid")).longValue();
        ready.complete(e);
        return;
      case "failed":
        ready.completeExceptionally(new IllegalStateException("TSFlink could not start its session: " + e.get("message")));
        return;
      default:
    }
    Object rawId = e.get("id");
    Call call = rawId instanceof Double ? calls.get(((Double) rawId).intValue()) : null;
    if (call == null) return;
    if ("output".equals(type)) {
      try {
        call.output.accept(e);
      } catch (RuntimeException ex) {
        LOGGER.warn("applying output: {}", ex.toString());
      }
    } else {
      call.done.complete(e);
    }
  }

  private void readLog() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        LOGGER.info("[tsflink] {}", line);
        synchronized (lastErrors) {
          lastErrors.addLast(line);
          while (lastErrors.size() > 20) lastErrors.removeFirst();
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  /**
   * Shuts the session down (jobs cancelled, cluster stopped; the Node side ends the UDF workers it
   * started), and ends the process if it has not gone within 20 s.
   */
  @Override
  public void close() {
    try {
      send("{\"type\":\"shutdown\"}");
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
