package dev.tsflink.zeppelin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zeppelin.interpreter.AbstractInterpreter;
import org.apache.zeppelin.interpreter.InterpreterContext;
import org.apache.zeppelin.interpreter.InterpreterException;
import org.apache.zeppelin.interpreter.InterpreterResult;
import org.apache.zeppelin.interpreter.ZeppelinContext;
import org.apache.zeppelin.interpreter.thrift.InterpreterCompletion;
import org.apache.zeppelin.scheduler.Scheduler;
import org.apache.zeppelin.scheduler.SchedulerFactory;

/**
 * What %tsflink, %tsflink.ssql and %tsflink.bsql share: a paragraph becomes one cell of the
 * interactive core in the group's Node process (NodeCore), its output goes to the paragraph's
 * InterpreterOutput as it arrives, cancel interrupts it (and cancels its Flink jobs).
 */
abstract class TSFlinkBaseInterpreter extends AbstractInterpreter {
  /** Request ids of the paragraphs running, by paragraph id: what cancel(context) cancels. */
  private final Map<String, Integer> running = new ConcurrentHashMap<>();
  /** The progress (0-100) of each running paragraph's job, as its live table reports it. */
  private final Map<String, Integer> progress = new ConcurrentHashMap<>();

  TSFlinkBaseInterpreter(Properties properties) {
    super(properties);
  }

  /** The group's session (started by open() of %tsflink). */
  protected abstract NodeCore core() throws InterpreterException;

  /** Why the group's previous session ended, once, for the first paragraph on its replacement; else null. */
  protected abstract String takeRestartNote() throws InterpreterException;

  /** The core cell a paragraph is: TypeScript as is, SQL behind a `%%sql(...)` header. */
  protected abstract String cellOf(String paragraph, InterpreterContext context);

  @Override
  @SuppressWarnings("unchecked")
  protected InterpreterResult internalInterpret(String st, InterpreterContext context) throws InterpreterException {
    NodeCore core = core();
    String restarted = takeRestartNote();
    if (restarted != null) {
      try {
        OutputWriter.text(context.out, "⚠ " + restarted + "\nA new session was started for this paragraph: tables, views, functions and declarations of the old one are gone; re-run the paragraphs that made them.\n");
      } catch (java.io.IOException e) {
        // the note is a courtesy; the paragraph runs anyway
      }
    }
    int id = core.nextId();
    int offset = context.out.size();
    String key = context.getParagraphId() == null ? "" : context.getParagraphId();
    running.put(key, id);
    Map<String, Object> done;
    try {
      done = core.execute(id, cellOf(st, context), event -> {
        Object ops = event.get("ops");
        if (ops instanceof List) OutputWriter.apply(context.out, (List<Object>) ops, offset);
        if (event.get("progress") instanceof Double) progress.put(key, ((Double) event.get("progress")).intValue());
        if (event.get("jobUrl") instanceof String) sendJobUrl(context, (String) event.get("jobUrl"));
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      core.cancel(id, 1500);
      return new InterpreterResult(InterpreterResult.Code.ERROR, "Interrupted");
    } catch (IllegalStateException e) {
      return new InterpreterResult(InterpreterResult.Code.ERROR, e.getMessage());
    } finally {
      running.remove(key, id);
      progress.remove(key);
    }
    if ("ok".equals(done.get("status"))) return new InterpreterResult(InterpreterResult.Code.SUCCESS);
    return new InterpreterResult(InterpreterResult.Code.ERROR, InterpreterResult.Type.TEXT, errorText(done));
  }

  /** The job link in the paragraph's header, as Zeppelin's Flink interpreter sends it (JobManager.sendFlinkJobUrl). */
  private static void sendJobUrl(InterpreterContext context, String jobUrl) {
    if (context.getIntpEventClient() == null) return;
    Map<String, String> infos = new HashMap<>();
    infos.put("jobUrl", jobUrl);
    infos.put("label", "FLINK JOB");
    infos.put("tooltip", "View in Flink web UI");
    infos.put("noteId", context.getNoteId());
    infos.put("paraId", context.getParagraphId());
    context.getIntpEventClient().onParaInfosReceived(infos);
  }

  /** The error as the notebook shows it: the traceback (which starts with the message), else `name: message`. */
  @SuppressWarnings("unchecked")
  static String errorText(Map<String, Object> done) {
    Object tb = done.get("traceback");
    if (tb instanceof List && !((List<Object>) tb).isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (Object line : (List<Object>) tb) b.append(line).append('\n');
      return b.toString();
    }
    return done.get("ename") + ": " + done.get("evalue");
  }

  @Override
  public void cancel(InterpreterContext context) throws InterpreterException {
    Integer id = running.get(context.getParagraphId() == null ? "" : context.getParagraphId());
    if (id != null) core().cancel(id, 1500);
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<InterpreterCompletion> completion(String buf, int cursor, InterpreterContext context) throws InterpreterException {
    String cell = cellOf(buf, context);
    int offset = cell.length() - buf.length();
    Map<String, Object> r = core().complete(cell, cursor + offset);
    List<InterpreterCompletion> out = new ArrayList<>();
    Object matches = r.get("matches");
    if (matches instanceof List) {
      for (Object m : (List<Object>) matches) {
        Map<String, Object> match = (Map<String, Object>) m;
        String value = String.valueOf(match.get("value"));
        out.add(new InterpreterCompletion(value, value, String.valueOf(match.get("kind"))));
      }
    }
    return out;
  }

  /** One queue for the group's three interpreters: the session runs one cell at a time. */
  @Override
  public Scheduler getScheduler() {
    Object group = getInterpreterGroup() == null ? this : getInterpreterGroup();
    return SchedulerFactory.singleton().createOrGetFIFOScheduler("tsflink-" + System.identityHashCode(group));
  }

  @Override
  public FormType getFormType() {
    return FormType.SIMPLE;
  }

  /** The running job's finished subtasks in percent (Zeppelin's paragraph progress bar); 0 when unknown. */
  @Override
  public int getProgress(InterpreterContext context) {
    return progress.getOrDefault(context.getParagraphId() == null ? "" : context.getParagraphId(), 0);
  }

  @Override
  public ZeppelinContext getZeppelinContext() {
    return null;
  }
}
