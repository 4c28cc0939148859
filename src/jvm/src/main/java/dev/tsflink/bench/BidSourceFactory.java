package dev.tsflink.bench;

import java.util.Set;
import java.util.SplittableRandom;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;

/**
 * Connector 'tsflink-bench-bids': Nexmark-style bids like the datagen connector makes, plus a last
 * column gen_ns = System.nanoTime() when the row was made, so {@link LatencyProbe} can measure
 * end-to-end latency. Schema: auction BIGINT, bidder BIGINT, price BIGINT, channel STRING,
 * url STRING, date_time TIMESTAMP(3), extra STRING, gen_ns BIGINT.
 * Options: number-of-rows (default: unbounded), rows-per-second (default: as fast as possible),
 * auctions (distinct auction ids, 1000 + [0, auctions), drawn uniformly; default 1000: bench/udaf's
 * number of GROUP BY keys).
 * Registered through META-INF/services by the benchmark (bench/lib/bench-jar.ts).
 */
public class BidSourceFactory implements DynamicTableSourceFactory {
    static final ConfigOption<Long> ROWS = ConfigOptions.key("number-of-rows").longType().defaultValue(Long.MAX_VALUE);
    static final ConfigOption<Double> RATE = ConfigOptions.key("rows-per-second").doubleType().defaultValue(0.0);
    static final ConfigOption<Long> AUCTIONS = ConfigOptions.key("auctions").longType().defaultValue(1000L);

    @Override
    public String factoryIdentifier() {
        return "tsflink-bench-bids";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(ROWS, RATE, AUCTIONS);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        RowType type = (RowType) context.getPhysicalRowDataType().getLogicalType();
        long auctions = options.get(AUCTIONS);
        if (auctions < 1) {
            throw new IllegalArgumentException("tsflink-bench-bids: 'auctions' must be at least 1, got " + auctions);
        }
        return new BidSource(type, options.get(ROWS), options.get(RATE), auctions);
    }

    static final class BidSource implements ScanTableSource {
        private final RowType type;
        private final long rows;
        private final double rate;
        private final long auctions;

        BidSource(RowType type, long rows, double rate, long auctions) {
            this.type = type;
            this.rows = rows;
            this.rate = rate;
            this.auctions = auctions;
        }

        @Override
        public ChangelogMode getChangelogMode() {
            return ChangelogMode.insertOnly();
        }

        @Override
        public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
            if (type.getFieldCount() != 8) {
                throw new IllegalArgumentException("tsflink-bench-bids has 8 columns (auction, bidder, price, channel, url, date_time, extra, gen_ns), got " + type);
            }
            RateLimiterStrategy limit = rate > 0 ? RateLimiterStrategy.perSecond(rate) : RateLimiterStrategy.noOp();
            return SourceProvider.of(new DataGeneratorSource<>(new Bids(auctions), rows, limit, InternalTypeInfo.of(type)));
        }

        @Override
        public DynamicTableSource copy() {
            return new BidSource(type, rows, rate, auctions);
        }

        @Override
        public String asSummaryString() {
            return "tsflink-bench-bids";
        }
    }

    static final class Bids implements GeneratorFunction<Long, RowData> {
        private static final String[] CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
        private transient SplittableRandom random;
        private final long auctions;
        private transient String extra;

        Bids(long auctions) {
            this.auctions = auctions;
        }

        @Override
        public RowData map(Long index) {
            if (random == null) {
                random = new SplittableRandom(42);
                extra = "x".repeat(24);
            }
            long auction = 1000 + random.nextLong(auctions);
            long bidder = 2000 + random.nextLong(1000);
            long price = 1 + random.nextLong(10_000_000);
            String channel = CHANNELS[random.nextInt(CHANNELS.length)];
            return GenericRowData.of(auction, bidder, price, StringData.fromString(channel),
                    StringData.fromString("https://www.nexmark.com/item.htm?query=1&channel_id=" + (index % 10000)),
                    TimestampData.fromEpochMillis(System.currentTimeMillis()),
                    StringData.fromString(extra), System.nanoTime());
        }
    }
}
