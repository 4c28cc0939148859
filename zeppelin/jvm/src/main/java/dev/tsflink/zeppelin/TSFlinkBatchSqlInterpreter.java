package dev.tsflink.zeppelin;

import java.util.Properties;

/** `%tsflink.bsql`: batch SQL on the session's `bEnv`. */
public class TSFlinkBatchSqlInterpreter extends TSFlinkSqlInterpreter {
  public TSFlinkBatchSqlInterpreter(Properties properties) {
    super(properties);
  }

  @Override
  protected String magic() {
    return "bsql";
  }
}
