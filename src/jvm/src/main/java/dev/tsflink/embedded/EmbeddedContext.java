package dev.tsflink.embedded;

import com.caoccao.javet.annotations.V8Function;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.values.reference.V8ValueArray;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The FunctionContext a TypeScript open(ctx) sees in embedded mode (src/api/udf/functions.ts), the
 * same as process mode's: job parameters, task information and the operator's metric group. The
 * JS side (GLUE below) builds the TS objects (MetricGroup, Counter, Meter, Distribution) over the
 * methods of this object, which Javet binds into the runtime; each metric is Flink's own, in the
 * function's operator group, as process mode's are. Gauges are JS functions, so they are read on
 * the task thread: after a call, at most every {@link #GAUGE_PERIOD_NANOS} (process mode reads them
 * after each bundle), and when the function closes.
 */
public final class EmbeddedContext {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GAUGE_PERIOD_NANOS = 200_000_000L;

    /** Makes the TS FunctionContext over a bound EmbeddedContext; returns [ctx, readGauges]. */
    private static final String GLUE = "(raw) => { const gauges = [];"
            + " const group = (path) => { const p = JSON.stringify(path); return {"
            + "  addGroup: (name, value) => group([...path, value === undefined ? [String(name)] : [String(name), String(value)]]),"
            + "  counter: (name) => { const id = raw.metric('counter', p, String(name), 0);"
            + "   return { inc: (n = 1) => raw.counterInc(id, Number(n)), dec: (n = 1) => raw.counterInc(id, -Number(n)), getCount: () => raw.count(id) }; },"
            + "  meter: (name, span = 60) => { const id = raw.metric('meter', p, String(name), Number(span));"
            + "   return { markEvent: (n = 1) => raw.meterMark(id, Number(n)), getCount: () => raw.count(id) }; },"
            + "  distribution: (name) => { const id = raw.metric('distribution', p, String(name), 0);"
            + "   return { update: (v) => raw.distributionUpdate(id, Number(v)) }; },"
            + "  gauge: (name, fn) => { if (typeof fn !== 'function') throw new TypeError(`gauge '${name}' needs a function returning its value`);"
            + "   gauges.push([raw.metric('gauge', p, String(name), 0), fn]); },"
            + " }; };"
            + " const ctx = { getMetricGroup: () => group([]),"
            + "  getJobParameter: (k, d) => raw.getJobParameter(String(k), d == null ? null : String(d)),"
            + "  getTaskName: () => raw.getTaskName(), getTaskNameWithSubtasks: () => raw.getTaskNameWithSubtasks(),"
            + "  getNumberOfParallelSubtasks: () => raw.getNumberOfParallelSubtasks(), getMaxNumberOfParallelSubtasks: () => raw.getMaxNumberOfParallelSubtasks(),"
            + "  getIndexOfThisSubtask: () => raw.getIndexOfThisSubtask(), getAttemptNumber: () => raw.getAttemptNumber() };"
            + " return [ctx, () => { for (const [id, fn] of gauges) raw.gaugeSet(id, Number(fn())); }]; }";

    private final FunctionContext ctx;
    private final TaskInfo task;
    private final Map<String, MetricGroup> groups = new HashMap<>();
    /** Metrics by id (the JS side holds ids); the same group path and name give the same id. */
    private final List<Object> metrics = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private int gaugeCount;
    private long lastGaugeRead;
    private V8ValueFunction readGauges;
    /** The JS object this context is bound to, unbound on close (Javet recycles its callbacks then). */
    private V8ValueObject bound;

    private EmbeddedContext(FunctionContext ctx) {
        this.ctx = ctx;
        this.task = ctx.getTaskInfo();
    }

    /** Binds a context into the runtime and returns the JS FunctionContext to pass to open(ctx). */
    static EmbeddedContext bind(JsRuntime js, FunctionContext flinkContext, V8ValueObject[] jsContext) throws JavetException {
        EmbeddedContext context = new EmbeddedContext(flinkContext);
        V8ValueObject raw = js.v8().createV8ValueObject();
        context.bound = raw;
        try (V8ValueFunction make = js.v8().getExecutor(GLUE).setResourceName(JsRuntime.GLUE).execute()) {
            raw.bind(context);
            try (V8ValueArray made = make.call(null, raw)) {
                jsContext[0] = made.get(0);
                context.readGauges = made.get(1);
            }
        }
        return context;
    }

    /** After a call on the task thread: reads the gauges if there are any and they are due. */
    void afterCall(JsRuntime js) {
        if (gaugeCount == 0) return;
        long now = System.nanoTime();
        if (now - lastGaugeRead < GAUGE_PERIOD_NANOS) return;
        lastGaugeRead = now;
        readGauges(js);
    }

    void readGauges(JsRuntime js) {
        if (gaugeCount == 0 || readGauges == null) return;
        js.enter();
        try {
            readGauges.callVoid(null);
        } catch (JavetException e) {
            throw js.userError(e, "a gauge");
        } finally {
            js.exit();
        }
    }

    void close() {
        try {
            if (readGauges != null) readGauges.close();
            if (bound != null) {
                bound.unbind(this);
                bound.close();
            }
        } catch (JavetException ignored) {
            // the runtime goes next anyway
        }
        readGauges = null;
        bound = null;
    }

    @V8Function(name = "getJobParameter")
    public String getJobParameter(String key, String defaultValue) {
        return ctx.getJobParameter(key, defaultValue);
    }

    @V8Function(name = "getTaskName")
    public String getTaskName() {
        return task.getTaskName();
    }

    @V8Function(name = "getTaskNameWithSubtasks")
    public String getTaskNameWithSubtasks() {
        return task.getTaskNameWithSubtasks();
    }

    @V8Function(name = "getNumberOfParallelSubtasks")
    public int getNumberOfParallelSubtasks() {
        return task.getNumberOfParallelSubtasks();
    }

    @V8Function(name = "getMaxNumberOfParallelSubtasks")
    public int getMaxNumberOfParallelSubtasks() {
        return task.getMaxNumberOfParallelSubtasks();
    }

    @V8Function(name = "getIndexOfThisSubtask")
    public int getIndexOfThisSubtask() {
        return task.getIndexOfThisSubtask();
    }

    @V8Function(name = "getAttemptNumber")
    public int getAttemptNumber() {
        return task.getAttemptNumber();
    }

    /** Registers (or finds) a metric: kind "counter", "meter" (arg: its time span in s), "distribution" or "gauge". */
    @V8Function(name = "metric")
    public int metric(String kind, String pathJson, String name, double arg) throws Exception {
        String key = kind + "\u0000" + pathJson + "\u0000" + name;
        Integer known = ids.get(key);
        if (known != null) return known;
        MetricGroup group = group(pathJson);
        Object metric;
        switch (kind) {
            case "counter":
                metric = group.counter(name);
                break;
            case "meter":
                metric = group.meter(name, new MeterView((int) Math.max(1, arg)));
                break;
            case "distribution":
                metric = group.gauge(name, new DistributionGauge());
                break;
            case "gauge":
                metric = group.gauge(name, new ValueGauge());
                gaugeCount++;
                break;
            default:
                throw new IllegalArgumentException("unknown metric kind " + kind);
        }
        metrics.add(metric);
        ids.put(key, metrics.size() - 1);
        return metrics.size() - 1;
    }

    private MetricGroup group(String pathJson) throws Exception {
        MetricGroup known = groups.get(pathJson);
        if (known != null) return known;
        MetricGroup g = ctx.getMetricGroup();
        for (JsonNode part : JSON.readTree(pathJson)) {
            g = part.size() == 1 ? g.addGroup(part.get(0).asText()) : g.addGroup(part.get(0).asText(), part.get(1).asText());
        }
        groups.put(pathJson, g);
        return g;
    }

    @V8Function(name = "counterInc")
    public void counterInc(int id, double n) {
        ((Counter) metrics.get(id)).inc((long) n);
    }

    @V8Function(name = "meterMark")
    public void meterMark(int id, double n) {
        ((Meter) metrics.get(id)).markEvent((long) n);
    }

    /** A counter's or meter's count (a double: a JS number, not a bigint). */
    @V8Function(name = "count")
    public double count(int id) {
        Object m = metrics.get(id);
        return m instanceof Counter ? ((Counter) m).getCount() : ((Meter) m).getCount();
    }

    @V8Function(name = "distributionUpdate")
    public void distributionUpdate(int id, double v) {
        ((DistributionGauge) metrics.get(id)).update((long) v);
    }

    @V8Function(name = "gaugeSet")
    public void gaugeSet(int id, double v) {
        ((ValueGauge) metrics.get(id)).value = (long) v;
    }

    /** A gauge of the last value the JS function gave (integers, as process mode's gauges). */
    static final class ValueGauge implements Gauge<Long> {
        volatile long value;

        @Override
        public Long getValue() {
            return value;
        }
    }

    /**
     * A distribution as process mode reports it: flink-python registers Beam's DistributionResult
     * as a gauge, shown as "DistributionResult{sum=…, count=…, min=…, max=…}".
     */
    static final class DistributionGauge implements Gauge<String> {
        private long sum;
        private long count;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;

        synchronized void update(long v) {
            sum += v;
            count++;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }

        @Override
        public synchronized String getValue() {
            return "DistributionResult{sum=" + sum + ", count=" + count + ", min=" + (count == 0 ? 0 : min) + ", max=" + (count == 0 ? 0 : max) + "}";
        }
    }
}
