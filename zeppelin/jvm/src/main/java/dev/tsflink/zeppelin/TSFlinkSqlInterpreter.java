package dev.tsflink.zeppelin;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.zeppelin.interpreter.InterpreterContext;
import org.apache.zeppelin.interpreter.InterpreterException;

/**
 * A SQL paragraph on the group's session: the paragraph's local properties
 * (`%tsflink.ssql(type=update, refreshInterval=500)`) become the options of a `%%sql` / `%%bsql`
 * cell of the core, so they mean exactly what they mean in the Jupyter kernel (docs/kernel.md).
 */
abstract class TSFlinkSqlInterpreter extends TSFlinkBaseInterpreter {
  /** Local properties Zeppelin itself sets or reads, not SQL paragraph options. */
  private static final Set<String> ZEPPELIN_OWN = new HashSet<>(Arrays.asList("isRecover", "interpolate"));
  private static final Pattern BARE = Pattern.compile("[^,)'\"\\s]+");

  TSFlinkSqlInterpreter(Properties properties) {
    super(properties);
  }

  /** `sql` (streaming, on tEnv) or `bsql` (batch, on bEnv). */
  protected abstract String magic();

  @Override
  public void open() throws InterpreterException {
    core();
  }

  @Override
  public void close() {
    // the session belongs to %tsflink, which closes it
  }

  @Override
  protected NodeCore core() throws InterpreterException {
    TSFlinkInterpreter ts = getInterpreterInTheSameSessionByClassName(TSFlinkInterpreter.class);
    if (ts == null) throw new InterpreterException("%tsflink is not in this interpreter group: the SQL interpreters run on its session");
    return ts.core();
  }

  @Override
  protected String takeRestartNote() throws InterpreterException {
    TSFlinkInterpreter ts = getInterpreterInTheSameSessionByClassName(TSFlinkInterpreter.class);
    return ts == null ? null : ts.takeRestartNote();
  }

  @Override
  protected String cellOf(String paragraph, InterpreterContext context) {
    StringBuilder header = new StringBuilder("%%").append(magic());
    Map<String, String> props = context == null ? Collections.<String, String>emptyMap() : context.getLocalProperties();
    StringBuilder options = new StringBuilder();
    for (Map.Entry<String, String> e : props.entrySet()) {
      if (ZEPPELIN_OWN.contains(e.getKey())) continue;
      options.append(options.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(quote(e.getValue()));
    }
    if (options.length() > 0) header.append('(').append(options).append(')');
    return header.append('\n').append(paragraph).toString();
  }

  /** A value as the core's header parser reads it: bare, or quoted when it holds `,`, `)`, quotes or spaces. */
  private static String quote(String v) {
    if (BARE.matcher(v).matches()) return v;
    return v.indexOf('\'') < 0 ? "'" + v + "'" : "\"" + v + "\"";
  }
}
