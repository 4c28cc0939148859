package dev.tsflink.bench;

import org.apache.flink.table.functions.AggregateFunction;

/** bench/udaf variant (b): tsAvg(price) as a Java aggregate with a plain (sum, count) accumulator. */
public class BenchAvg extends AggregateFunction<Double, BenchAvg.Acc> {
    /** The accumulator: a POJO Flink stores as a structured type in its value state. */
    public static class Acc {
        public double sum;
        public long count;
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    public void accumulate(Acc acc, Long price) {
        if (price != null) {
            acc.sum += price;
            acc.count++;
        }
    }

    public void retract(Acc acc, Long price) {
        if (price != null) {
            acc.sum -= price;
            acc.count--;
        }
    }

    @Override
    public Double getValue(Acc acc) {
        return acc.count == 0 ? null : acc.sum / acc.count;
    }
}
