package dev.tsflink.zeppelin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.zeppelin.interpreter.InterpreterOutput;
import org.apache.zeppelin.interpreter.InterpreterResult;
import org.apache.zeppelin.interpreter.InterpreterResultMessageOutput;

/**
 * Applies the Node side's output operations (zeppelin/output.ts) to a paragraph's
 * InterpreterOutput. Messages are written through their InterpreterResultMessageOutput, not parsed
 * from text, so a line a cell prints that starts with `%html` stays text. A replaced `%table` or
 * `%html` message reaches the front-end as one update of that message (as Zeppelin's own Flink
 * interpreter refreshes its streaming tables); text grows by appends.
 */
final class OutputWriter {
  private OutputWriter() {}

  /** Adds a text message (a note of the interpreter's own, before the cell's output). */
  static void text(InterpreterOutput out, String text) throws IOException {
    synchronized (out) {
      out.setType(InterpreterResult.Type.TEXT);
      InterpreterResultMessageOutput m = out.getCurrentOutput();
      m.write(text.getBytes(StandardCharsets.UTF_8));
      m.flush();
    }
  }

  /** Applies `ops`; their message indexes count from `offset` (messages written before the cell's own). */
  @SuppressWarnings("unchecked")
  static void apply(InterpreterOutput out, List<Object> ops, int offset) {
    synchronized (out) {
      for (Object o : ops) {
        Map<String, Object> op = (Map<String, Object>) o;
        try {
          applyOne(out, op, offset);
        } catch (IOException | RuntimeException e) {
          throw new IllegalStateException("cannot apply output " + op.get("op") + ": " + e, e);
        }
      }
    }
  }

  private static void applyOne(InterpreterOutput out, Map<String, Object> op, int offset) throws IOException {
    String kind = String.valueOf(op.get("op"));
    String data = op.get("data") == null ? "" : String.valueOf(op.get("data"));
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    switch (kind) {
      case "reset":
        out.clear(true);
        return;
      case "add": {
        out.setType(type(op));
        InterpreterResultMessageOutput m = out.getCurrentOutput();
        m.write(bytes);
        m.flush();
        return;
      }
      case "set": {
        InterpreterResultMessageOutput m = out.getOutputAt(offset + index(op));
        InterpreterResult.Type t = type(op);
        if (m.getType() != t) m.setType(t); // clears it, in the front-end too
        else m.clear(m.isAppendSupported()); // text is re-sent by appends: clear the front-end's copy first
        m.write(bytes);
        m.flush();
        return;
      }
      case "append": {
        InterpreterResultMessageOutput m = out.getOutputAt(offset + index(op));
        m.write(bytes);
        m.flush();
        return;
      }
      default:
        throw new IllegalArgumentException("unknown output op " + kind);
    }
  }

  private static InterpreterResult.Type type(Map<String, Object> op) {
    return InterpreterResult.Type.valueOf(String.valueOf(op.get("type")));
  }

  private static int index(Map<String, Object> op) {
    return ((Double) op.get("index")).intValue();
  }
}
