package dev.tsflink.zeppelin;

import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import org.apache.zeppelin.interpreter.InterpreterContext;
import org.apache.zeppelin.interpreter.InterpreterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `%tsflink`: TypeScript paragraphs, as the cells of TSFlink's Jupyter kernel (`tEnv`, `bEnv`,
 * `sql`, `display`, `session` pre-bound; declarations of earlier paragraphs stay visible). It owns
 * the group's session: open() starts the Node process, close() shuts it down.
 */
public class TSFlinkInterpreter extends TSFlinkBaseInterpreter {
  private static final Logger LOGGER = LoggerFactory.getLogger(TSFlinkInterpreter.class);
  private NodeCore core;
  private Map<String, Object> info;
  /** Why the previous session ended, until a paragraph has shown it. */
  private String restartNote;

  public TSFlinkInterpreter(Properties properties) {
    super(properties);
  }

  @Override
  public synchronized void open() throws InterpreterException {
    if (core != null && core.alive()) return;
    long timeout = Long.parseLong(getProperty("tsflink.startTimeout", "300000").trim());
    try {
      core = NodeCore.start(getProperties());
      info = core.awaitReady(timeout);
      LOGGER.info("TSFlink session ready: Flink {}, web UI {}", info.get("flinkVersion"), info.get("webUi"));
    } catch (IOException | RuntimeException e) {
      core = null;
      throw new InterpreterException("TSFlink could not start: " + e.getMessage(), e);
    }
  }

  /** The Flink web UI of the session (Zeppelin shows it as the group's web URL). */
  public synchronized String webUi() {
    return info == null ? null : String.valueOf(info.get("webUi"));
  }

  @Override
  public synchronized void close() {
    if (core != null) core.close();
    core = null;
  }

  /**
   * The session; a process that died (killed, out of memory) is replaced by a new one on the next
   * paragraph, as a restarted interpreter would be.
   */
  @Override
  protected synchronized NodeCore core() throws InterpreterException {
    if (core != null && !core.alive()) {
      LOGGER.warn("TSFlink session ended ({}); starting a new one", core.ended());
      restartNote = "The TSFlink session had ended: " + core.ended() + ".";
      core.close();
      core = null;
    }
    if (core == null) open();
    if (getInterpreterGroup() != null && webUi() != null) getInterpreterGroup().setWebUrl(webUi());
    return core;
  }

  @Override
  protected synchronized String takeRestartNote() {
    String note = restartNote;
    restartNote = null;
    return note;
  }

  @Override
  protected String cellOf(String paragraph, InterpreterContext context) {
    return paragraph;
  }
}
