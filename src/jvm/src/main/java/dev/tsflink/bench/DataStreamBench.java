package dev.tsflink.bench;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * bench/datastream's Java pieces, shared by its four variants: the event source (Row(key, genNs),
 * genNs = System.nanoTime() at generation), the latency probe at the end (LatencyProbe's
 * histogram and file, then a discarding sink), and variant (b), the keyed running count with a
 * ValueState plus a map, in Java. The TS bench reaches them by handle, PyFlink by its gateway.
 */
public final class DataStreamBench {
    private DataStreamBench() {}

    public static final TypeInformation<Row> EVENT = Types.ROW_NAMED(new String[] {"key", "genNs"}, Types.LONG, Types.LONG);
    public static final TypeInformation<Row> COUNT =
            Types.ROW_NAMED(new String[] {"key", "count", "genNs"}, Types.LONG, Types.LONG, Types.LONG);

    /** `n` events over `keys` keys, as fast as the job takes them. */
    public static DataStream<Row> events(StreamExecutionEnvironment env, long n, long keys) {
        return env.fromSequence(0, n - 1).map(new ToEvent(keys)).returns(EVENT).name("events");
    }

    /** The probe over a stream whose field `genNsField` holds the event's genNs, into a discarding sink. */
    public static void probe(DataStream<Row> stream, int genNsField) {
        stream.map(new Probe(genNsField)).returns(stream.getType()).name("latency probe").sinkTo(new DiscardingSink<>()).name("discard");
    }

    /** Variant (b): keyBy(key) → running count in a ValueState → map → probe. */
    public static void javaJob(StreamExecutionEnvironment env, long n, long keys) {
        DataStream<Row> counts = events(env, n, keys).keyBy(new ByKey()).process(new RunningCount()).returns(COUNT).name("KeyedProcess");
        probe(counts.map(new Twice()).returns(COUNT).name("Map"), 2);
    }

    // by handle, for the TS bench (the environment and streams of TSFlink's DataStreams)
    public static int eventsOf(int env, long n, long keys) {
        return GatewayException.guard(() -> Handles.put(events(Handles.get(env), n, keys)));
    }

    public static void probeOf(int stream, int genNsField) {
        GatewayException.guard(() -> {
            probe(Handles.get(stream), genNsField);
            return 0;
        });
    }

    public static void javaJobOf(int env, long n, long keys) {
        GatewayException.guard(() -> {
            javaJob(Handles.get(env), n, keys);
            return 0;
        });
    }

    static final class ToEvent implements MapFunction<Long, Row> {
        private final long keys;

        ToEvent(long keys) {
            this.keys = keys;
        }

        @Override
        public Row map(Long i) {
            return Row.of(i % keys, System.nanoTime());
        }
    }

    static final class ByKey implements KeySelector<Row, Long> {
        @Override
        public Long getKey(Row r) {
            return (Long) r.getField(0);
        }
    }

    /** The count of the key's events so far, kept in a ValueState. */
    static final class RunningCount extends KeyedProcessFunction<Long, Row, Row> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext ctx) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Row e, Context ctx, Collector<Row> out) throws Exception {
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            out.collect(Row.of(e.getField(0), next, e.getField(1)));
        }
    }

    /** The map after the count (the same in every variant): the count doubled. */
    static final class Twice implements MapFunction<Row, Row> {
        @Override
        public Row map(Row r) {
            return Row.of(r.getField(0), (Long) r.getField(1) * 2, r.getField(2));
        }
    }

    /** LatencyProbe's measurement as a map: the row unchanged, its latency recorded. */
    static final class Probe extends RichMapFunction<Row, Row> {
        private final int genNsField;
        private transient LatencyProbe probe;

        Probe(int genNsField) {
            this.genNsField = genNsField;
        }

        @Override
        public void open(OpenContext ctx) {
            probe = new LatencyProbe();
            probe.open(null);
        }

        @Override
        public Row map(Row r) {
            Object ns = r.getField(genNsField);
            probe.eval(((Number) ns).longValue(), 0.0);
            return r;
        }

        @Override
        public void close() {
            if (probe != null) {
                probe.close();
            }
        }
    }
}
