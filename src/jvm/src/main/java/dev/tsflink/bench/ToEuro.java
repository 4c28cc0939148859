package dev.tsflink.bench;

import org.apache.flink.table.functions.ScalarFunction;

/** bench/udf variant (b): Nexmark q1's dollar-to-euro conversion as a Java scalar function. */
public class ToEuro extends ScalarFunction {
    public Double eval(Long price) {
        return price == null ? null : price * 0.908;
    }
}
