package dev.tsflink.zeppelin;

import java.util.Properties;

/** `%tsflink.ssql`: streaming SQL on the session's `tEnv` (display types single, update, append). */
public class TSFlinkStreamSqlInterpreter extends TSFlinkSqlInterpreter {
  public TSFlinkStreamSqlInterpreter(Properties properties) {
    super(properties);
  }

  @Override
  protected String magic() {
    return "sql";
  }
}
