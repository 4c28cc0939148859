package dev.tsflink.bench;

import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * bench/udaf variant (b): tsTopBidders(bidder) as a Java aggregate: bids per bidder in a MapView
 * (which the planner backs with Flink map state in a streaming GROUP BY), the result is the bidder
 * with most bids so far (the first to reach that count).
 */
public class BenchTopBidders extends AggregateFunction<Long, BenchTopBidders.Acc> {
    /** The accumulator: the MapView lives in map state, top/topCount in the value state. */
    public static class Acc {
        public MapView<Long, Long> counts = new MapView<>();
        public Long top;
        public long topCount;
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    public void accumulate(Acc acc, Long bidder) throws Exception {
        if (bidder == null) {
            return;
        }
        Long n = acc.counts.get(bidder);
        long count = n == null ? 1 : n + 1;
        acc.counts.put(bidder, count);
        if (count > acc.topCount) {
            acc.topCount = count;
            acc.top = bidder;
        }
    }

    @Override
    public Long getValue(Acc acc) {
        return acc.top;
    }
}
