package dev.tsflink.datastream;

import dev.tsflink.gateway.GatewayException;
import dev.tsflink.gateway.Handles;
import dev.tsflink.gateway.Json;
import java.io.FileNotFoundException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.DateTimeBucketAssigner;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.DefaultRollingPolicy;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * Flink's own sources and sinks for the TS DataStream API (env.fromSource, stream.sinkTo):
 * NumberSequenceSource, the DataGen DataGeneratorSource, FileSource with TextLineInputFormat or
 * Parquet (ParquetConnectors) and FileSink with SimpleStringEncoder or Parquet, built here as the real Java objects from the TS description
 * (src/api/datastream/connectors/*), so reading, splitting, rolling and the two-phase commit of
 * parts are Flink's.
 */
public final class Connectors {
    private Connectors() {}

    /** The index itself: a DataGeneratorSource's records, which a TS map then turns into the user's values. */
    static final class IndexGenerator implements GeneratorFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long index) {
            return index;
        }
    }

    /**
     * A source from its description: {"kind": "numberSequence", "from", "to"} | {"kind":
     * "dataGen", "count", "perSecond"?} | {"kind": "file", "paths": [...], "format": {"kind":
     * "textLine", "charset"} | {"kind": "parquet", ...ParquetConnectors.inputFormat}, "monitorMs"?}.
     */
    public static int source(String specJson) {
        return GatewayException.guard(() -> {
            JsonNode spec = Json.parse(specJson);
            switch (spec.get("kind").asText()) {
                case "numberSequence":
                    return Handles.put(new NumberSequenceSource(spec.get("from").asLong(), spec.get("to").asLong()));
                case "dataGen": {
                    RateLimiterStrategy rate = spec.hasNonNull("perSecond") ? RateLimiterStrategy.perSecond(spec.get("perSecond").asDouble()) : RateLimiterStrategy.noOp();
                    return Handles.put(new DataGeneratorSource<>(new IndexGenerator(), spec.get("count").asLong(), rate, Types.LONG));
                }
                case "file": {
                    Path[] paths = new Path[spec.get("paths").size()];
                    for (int i = 0; i < paths.length; i++) {
                        paths[i] = new Path(spec.get("paths").get(i).asText());
                        // Flink would only fail once the job runs (in the enumerator); a local path can be checked now
                        FileSystem fs = paths[i].getFileSystem();
                        if (!fs.isDistributedFS() && !fs.exists(paths[i])) {
                            throw new FileNotFoundException("FileSource: no file or directory at " + paths[i]);
                        }
                    }
                    JsonNode format = spec.get("format");
                    FileSource.FileSourceBuilder<?> b = format.get("kind").asText().equals("parquet")
                            ? FileSource.forBulkFileFormat(ParquetConnectors.inputFormat(withJars(format, spec)), paths)
                            : FileSource.forRecordStreamFormat(new TextLineInputFormat(format.get("charset").asText()), paths);
                    if (spec.hasNonNull("monitorMs")) b.monitorContinuously(Duration.ofMillis(spec.get("monitorMs").asLong()));
                    return Handles.put(b.build());
                }
                case "kafka":
                    return Handles.put(KafkaConnectors.source(spec));
                default:
                    throw new IllegalArgumentException("unknown source " + spec);
            }
        });
    }

    /** env.fromSource(source, strategy, name); strategy as DataStreams.assignTimestampsAndWatermarks describes it. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int fromSource(int env, int source, String strategyJson, String name) {
        return GatewayException.guard(() -> {
            StreamExecutionEnvironment e = Handles.get(env);
            Source s = Handles.get(source);
            return Handles.put(e.fromSource(s, strategy(Json.parse(strategyJson)), name));
        });
    }

    static WatermarkStrategy<Object> strategy(JsonNode spec) {
        WatermarkStrategy<Object> strategy;
        switch (spec.get("kind").asText()) {
            case "monotonous": strategy = WatermarkStrategy.forMonotonousTimestamps(); break;
            case "bounded": strategy = WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofMillis(spec.get("maxOutOfOrdernessMs").asLong())); break;
            case "none": strategy = WatermarkStrategy.noWatermarks(); break;
            default: throw new IllegalArgumentException("unknown watermark strategy " + spec);
        }
        if (spec.hasNonNull("idlenessMs")) strategy = strategy.withIdleness(Duration.ofMillis(spec.get("idlenessMs").asLong()));
        return strategy;
    }

    /** A format's description with the session's connector jars (they are given once, on the source or sink). */
    private static JsonNode withJars(JsonNode format, JsonNode spec) {
        ObjectNode f = ((ObjectNode) format).deepCopy();
        f.set("connectorJars", spec.get("connectorJars"));
        return f;
    }

    /**
     * A FileSink: {"path", "format": {"kind": "row", "charset"} (SimpleStringEncoder: each
     * record's toString and a newline) | {"kind": "parquet", ...ParquetConnectors.writerFactory},
     * "rolling"?: {"kind": "default", "rolloverMs"?, "inactivityMs"?, "maxPartSize"?} | {"kind":
     * "onCheckpoint"}, "bucketAssigner"?: {"kind": "basePath"} | {"kind": "dateTime", "format",
     * "zoneId"?}, "partPrefix"?, "partSuffix"?, "bucketCheckMs"?, "connectorJars"}. A bulk format
     * rolls on every checkpoint only (Java's BulkFormatBuilder takes a CheckpointRollingPolicy).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int fileSink(String specJson) {
        return GatewayException.guard(() -> {
            JsonNode spec = Json.parse(specJson);
            Path path = new Path(spec.get("path").asText());
            JsonNode format = spec.get("format");
            BucketAssigner assigner = spec.hasNonNull("bucketAssigner") ? bucketAssigner(spec.get("bucketAssigner")) : null;
            OutputFileConfig files = outputFileConfig(spec);
            if (format.get("kind").asText().equals("parquet")) {
                FileSink.DefaultBulkFormatBuilder b = FileSink.forBulkFormat(path, ParquetConnectors.writerFactory(withJars(format, spec)));
                b.withRollingPolicy(OnCheckpointRollingPolicy.build());
                if (assigner != null) b.withBucketAssigner(assigner);
                if (files != null) b.withOutputFileConfig(files);
                if (spec.hasNonNull("bucketCheckMs")) b.withBucketCheckInterval(spec.get("bucketCheckMs").asLong());
                return Handles.put(b.build());
            }
            FileSink.DefaultRowFormatBuilder<Object> b = FileSink.forRowFormat(path, new SimpleStringEncoder<>(format.get("charset").asText()));
            JsonNode r = spec.get("rolling");
            if (r != null && !r.isNull()) {
                if (r.get("kind").asText().equals("onCheckpoint")) {
                    b.withRollingPolicy(OnCheckpointRollingPolicy.build());
                } else {
                    DefaultRollingPolicy.PolicyBuilder p = DefaultRollingPolicy.builder();
                    if (r.hasNonNull("rolloverMs")) p.withRolloverInterval(Duration.ofMillis(r.get("rolloverMs").asLong()));
                    if (r.hasNonNull("inactivityMs")) p.withInactivityInterval(Duration.ofMillis(r.get("inactivityMs").asLong()));
                    if (r.hasNonNull("maxPartSize")) p.withMaxPartSize(r.get("maxPartSize").asLong());
                    b.withRollingPolicy(p.build());
                }
            }
            if (assigner != null) b.withBucketAssigner(assigner);
            if (files != null) b.withOutputFileConfig(files);
            if (spec.hasNonNull("bucketCheckMs")) b.withBucketCheckInterval(spec.get("bucketCheckMs").asLong());
            return Handles.put(b.build());
        });
    }

    private static OutputFileConfig outputFileConfig(JsonNode spec) {
        if (!spec.hasNonNull("partPrefix") && !spec.hasNonNull("partSuffix")) return null;
        OutputFileConfig.OutputFileConfigBuilder c = OutputFileConfig.builder();
        if (spec.hasNonNull("partPrefix")) c.withPartPrefix(spec.get("partPrefix").asText());
        if (spec.hasNonNull("partSuffix")) c.withPartSuffix(spec.get("partSuffix").asText());
        return c.build();
    }

    /** BasePathBucketAssigner, or DateTimeBucketAssigner (its format and zone checked now: Flink would fail only on the first record). */
    private static BucketAssigner<Object, String> bucketAssigner(JsonNode spec) {
        if (spec.get("kind").asText().equals("basePath")) return new BasePathBucketAssigner<>();
        String format = spec.get("format").asText();
        DateTimeFormatter.ofPattern(format);
        return spec.hasNonNull("zoneId") ? new DateTimeBucketAssigner<>(format, ZoneId.of(spec.get("zoneId").asText())) : new DateTimeBucketAssigner<>(format);
    }

    /** Rows → RowData for a sink of RowData (a bulk FileSink's Parquet writer): {"row": [...]}, the records' type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int toRowData(int stream, String rowTypeJson) {
        return GatewayException.guard(() -> {
            RowType type = ParquetConnectors.rowType(Json.parse(rowTypeJson));
            DataStream s = Handles.get(stream);
            return Handles.put(s.map(new RowDataConversions.ToRowData(type)).returns(InternalTypeInfo.of(type)).name("to RowData"));
        });
    }

    /** RowData → Rows of the TS type after a RowData source (the Parquet reader). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int fromRowData(int stream, String rowTypeJson) {
        return GatewayException.guard(() -> {
            JsonNode spec = Json.parse(rowTypeJson);
            DataStream s = Handles.get(stream);
            return Handles.put(s.map(new RowDataConversions.FromRowData(ParquetConnectors.rowType(spec))).returns(DataStreams.typeInfo(spec)).name("from RowData"));
        });
    }

    /** A KafkaSink from its description (KafkaConnectors.sink). */
    public static int kafkaSink(String specJson) {
        return GatewayException.guard(() -> Handles.put(KafkaConnectors.sink(Json.parse(specJson))));
    }

    /** An at-least-once JdbcSink from its description (JdbcConnectors.sink). */
    public static int jdbcSink(String specJson) {
        return GatewayException.guard(() -> Handles.put(JdbcConnectors.sink(Json.parse(specJson))));
    }

    /** stream.sinkTo(sink): a DataStreamSink handle. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int sinkTo(int stream, int sink) {
        return GatewayException.guard(() -> {
            DataStream s = Handles.get(stream);
            org.apache.flink.api.connector.sink2.Sink k = Handles.get(sink);
            return Handles.put(s.sinkTo(k));
        });
    }

    /** name / uid / parallelism of a sink. */
    public static void configureSink(int sink, String what, String value) {
        GatewayException.guard(() -> {
            DataStreamSink<?> s = Handles.get(sink);
            switch (what) {
                case "name": s.name(value); break;
                case "uid": s.uid(value); break;
                case "parallelism": s.setParallelism(Integer.parseInt(value)); break;
                default: throw new IllegalArgumentException(what);
            }
            return null;
        });
    }
}
