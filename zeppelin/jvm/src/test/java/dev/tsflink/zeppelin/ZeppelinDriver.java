package dev.tsflink.zeppelin;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zeppelin.interpreter.Interpreter;
import org.apache.zeppelin.interpreter.InterpreterContext;
import org.apache.zeppelin.interpreter.InterpreterGroup;
import org.apache.zeppelin.interpreter.InterpreterOutput;
import org.apache.zeppelin.interpreter.InterpreterOutputListener;
import org.apache.zeppelin.interpreter.InterpreterResult;
import org.apache.zeppelin.interpreter.InterpreterResultMessage;
import org.apache.zeppelin.interpreter.InterpreterResultMessageOutput;
import org.apache.zeppelin.interpreter.remote.RemoteInterpreterEventClient;
import org.apache.zeppelin.interpreter.thrift.InterpreterCompletion;

/**
 * Drives the tsflink interpreter group the way Zeppelin's own interpreter tests do
 * (FlinkSqlInterpreterTest: an InterpreterGroup with the interpreters in one session, an
 * InterpreterContext per paragraph whose InterpreterOutput has a listener, open(), interpret(),
 * cancel()), scripted from test/zeppelin.test.ts: commands as JSON lines on stdin, what happened as
 * `DRIVER {json}` lines on stdout (the listener's updates as they come, then each result).
 */
public final class ZeppelinDriver {
  private static final Map<String, Interpreter> interpreters = new HashMap<>();
  private static final Map<String, InterpreterContext> contexts = new ConcurrentHashMap<>();

  private ZeppelinDriver() {}

  static synchronized void emit(String json) {
    System.out.println("DRIVER " + json);
    System.out.flush();
  }

  static String messagesJson(List<InterpreterResultMessage> messages) {
    List<String> out = new ArrayList<>();
    for (InterpreterResultMessage m : messages) {
      out.add("{\"type\":" + Json.quote(m.getType().name()) + ",\"data\":" + Json.quote(m.getData()) + "}");
    }
    return "[" + String.join(",", out) + "]";
  }

  /** A paragraph's context: its output reports every change the front-end would get. */
  static InterpreterContext context(String tag, Map<String, String> localProperties) {
    InterpreterOutputListener listener = new InterpreterOutputListener() {
      @Override
      public void onUpdateAll(InterpreterOutput out) {
        emit("{\"ev\":\"updateAll\",\"tag\":" + Json.quote(tag) + "}");
      }

      @Override
      public void onAppend(int index, InterpreterResultMessageOutput out, byte[] line) {
        emit("{\"ev\":\"append\",\"tag\":" + Json.quote(tag) + ",\"index\":" + index + ",\"data\":" + Json.quote(new String(line, StandardCharsets.UTF_8)) + "}");
      }

      @Override
      public void onUpdate(int index, InterpreterResultMessageOutput out) {
        String data;
        try {
          data = new String(out.toByteArray(), StandardCharsets.UTF_8);
        } catch (Exception e) {
          data = "<" + e + ">";
        }
        emit("{\"ev\":\"update\",\"tag\":" + Json.quote(tag) + ",\"index\":" + index + ",\"type\":" + Json.quote(out.getType().name()) + ",\"data\":" + Json.quote(data) + "}");
      }
    };
    InterpreterContext context = InterpreterContext.builder()
        .setNoteId("note_1")
        .setParagraphId(tag)
        .setInterpreterOut(new InterpreterOutput(listener))
        .setLocalProperties(new HashMap<>(localProperties))
        // what the paragraph tells the server beside its output (a job link); never connects
        .setIntpEventClient(new RemoteInterpreterEventClient("127.0.0.1", 1, 1) {
          @Override
          public void onParaInfosReceived(Map<String, String> infos) {
            List<String> fields = new ArrayList<>();
            for (Map.Entry<String, String> e : infos.entrySet()) fields.add(Json.quote(e.getKey()) + ":" + Json.quote(String.valueOf(e.getValue())));
            emit("{\"ev\":\"paraInfos\",\"tag\":" + Json.quote(tag) + ",\"infos\":{" + String.join(",", fields) + "}}");
          }
        })
        .build();
    InterpreterContext.set(context);
    return context;
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    for (String a : args) {
      int eq = a.indexOf('=');
      p.setProperty(a.substring(0, eq), a.substring(eq + 1));
    }
    InterpreterGroup group = new InterpreterGroup("tsflink-test");
    interpreters.put("tsflink", new TSFlinkInterpreter(p));
    interpreters.put("ssql", new TSFlinkStreamSqlInterpreter(p));
    interpreters.put("bsql", new TSFlinkBatchSqlInterpreter(p));
    for (Interpreter i : interpreters.values()) {
      i.setInterpreterGroup(group);
      group.addInterpreterToSession(i, "session_1");
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.trim().isEmpty()) continue;
      Map<String, Object> cmd = (Map<String, Object>) Json.parse(line);
      String what = String.valueOf(cmd.get("cmd"));
      String tag = String.valueOf(cmd.get("tag"));
      switch (what) {
        case "open": {
          long t0 = System.currentTimeMillis();
          try {
            interpreters.get("tsflink").open();
            interpreters.get("ssql").open();
            interpreters.get("bsql").open();
            emit("{\"ev\":\"opened\",\"ms\":" + (System.currentTimeMillis() - t0) + ",\"webUrl\":" + Json.quote(String.valueOf(group.getWebUrl())) + "}");
          } catch (Exception e) {
            emit("{\"ev\":\"openFailed\",\"message\":" + Json.quote(String.valueOf(e.getMessage())) + "}");
          }
          break;
        }
        case "interpret": {
          Interpreter intp = interpreters.get(String.valueOf(cmd.get("intp")));
          Map<String, String> props = new HashMap<>();
          Object raw = cmd.get("props");
          if (raw instanceof Map) ((Map<String, Object>) raw).forEach((k, v) -> props.put(k, String.valueOf(v)));
          String code = String.valueOf(cmd.get("code"));
          InterpreterContext context = context(tag, props);
          contexts.put(tag, context);
          // each paragraph on its own thread, as Zeppelin's scheduler runs them: cancel comes from another
          Thread t = new Thread(() -> {
            InterpreterContext.set(context);
            try {
              InterpreterResult r = intp.interpret(code, context);
              List<InterpreterResultMessage> all = new ArrayList<>(context.out.toInterpreterResultMessage());
              all.addAll(r.message());
              emit("{\"ev\":\"result\",\"tag\":" + Json.quote(tag) + ",\"code\":" + Json.quote(r.code().name()) + ",\"messages\":" + messagesJson(all) + "}");
            } catch (Exception e) {
              emit("{\"ev\":\"result\",\"tag\":" + Json.quote(tag) + ",\"code\":\"EXCEPTION\",\"messages\":[{\"type\":\"TEXT\",\"data\":" + Json.quote(String.valueOf(e)) + "}]}");
            }
          }, "paragraph-" + tag);
          t.start();
          // Zeppelin polls getProgress() while a paragraph runs: so does the driver, reporting changes
          Thread poll = new Thread(() -> {
            int last = 0;
            while (t.isAlive()) {
              try {
                int now = intp.getProgress(context);
                if (now != last) emit("{\"ev\":\"progress\",\"tag\":" + Json.quote(tag) + ",\"percent\":" + now + "}");
                last = now;
                Thread.sleep(200);
              } catch (Exception e) {
                return;
              }
            }
          }, "progress-" + tag);
          poll.setDaemon(true);
          poll.start();
          break;
        }
        case "cancel": {
          String intpName = String.valueOf(cmd.get("intp"));
          long t0 = System.currentTimeMillis();
          interpreters.get(intpName).cancel(contexts.get(tag));
          emit("{\"ev\":\"cancelled\",\"tag\":" + Json.quote(tag) + ",\"ms\":" + (System.currentTimeMillis() - t0) + "}");
          break;
        }
        case "complete": {
          Interpreter intp = interpreters.get(String.valueOf(cmd.get("intp")));
          String code = String.valueOf(cmd.get("code"));
          int cursor = ((Double) cmd.get("cursor")).intValue();
          List<InterpreterCompletion> c = intp.completion(code, cursor, context(tag, new HashMap<>()));
          List<String> values = new ArrayList<>();
          for (InterpreterCompletion x : c) values.add(Json.quote(x.getValue()));
          emit("{\"ev\":\"completion\",\"tag\":" + Json.quote(tag) + ",\"values\":[" + String.join(",", values) + "]}");
          break;
        }
        case "close": {
          for (Interpreter i : interpreters.values()) i.close();
          emit("{\"ev\":\"closed\"}");
          System.exit(0);
          break;
        }
        default:
          emit("{\"ev\":\"unknown\",\"cmd\":" + Json.quote(what) + "}");
      }
    }
    for (Interpreter i : interpreters.values()) i.close();
  }
}
