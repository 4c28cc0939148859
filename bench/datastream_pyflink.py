"""PyFlink side of bench/datastream.ts: the keyed running count (ValueState) plus a map in Python.

  python bench/datastream_pyflink.py --mode process|thread --events N --keys K --warmup W --probe-file F
Run by bench/datastream.ts with .venv/pyflink/bin/python. The events and the latency probe are
the benchmark's Java pieces (dev.tsflink.bench.DataStreamBench in the jars of TSFLINK_BENCH_JARS),
as for the other variants; the probe writes its counts to F. The job is bounded: it runs to its end.
"""
import argparse
import json
import os
import sys

from pyflink.common import Configuration, Row, Types
from pyflink.datastream import DataStream, KeyedProcessFunction, RuntimeContext, StreamExecutionEnvironment
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.java_gateway import get_gateway
from pyflink.util.java_utils import add_jars_to_context_class_loader

COUNT = Types.ROW_NAMED(["key", "count", "genNs"], [Types.LONG(), Types.LONG(), Types.LONG()])


class RunningCount(KeyedProcessFunction):
    def open(self, ctx: RuntimeContext):
        self.count = ctx.get_state(ValueStateDescriptor("count", Types.LONG()))

    def process_element(self, e, ctx):
        c = self.count.value()
        n = 1 if c is None else c + 1
        self.count.update(n)
        yield Row(key=e[0], count=n, genNs=e[1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["process", "thread"], required=True)
    p.add_argument("--events", type=int, required=True)
    p.add_argument("--keys", type=int, required=True)
    p.add_argument("--warmup", type=float, default=0, help="seconds the probe does not count at first")
    p.add_argument("--probe-file", required=True)
    p.add_argument("--config", default="{}", help="JSON object of Flink options")
    a = p.parse_args()
    jars = ";".join("file://" + j for j in os.environ["TSFLINK_BENCH_JARS"].split(";"))

    if a.mode == "thread":
        # as in bench/udf_pyflink.py: pemja's embedded interpreter needs the venv's site-packages
        site = next(p for p in sys.path if p.endswith("site-packages"))
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [site, os.environ.get("PYTHONPATH")]))
    conf = Configuration()
    settings = {"parallelism.default": "1", "taskmanager.numberOfTaskSlots": "1", "pipeline.jars": jars,
                "python.execution-mode": a.mode, "python.executable": sys.executable, **json.loads(a.config)}
    for k, v in settings.items():
        conf.set_string(k, v)
    env = StreamExecutionEnvironment.get_execution_environment(conf)
    gw = get_gateway()
    # the bench classes are called here through the gateway, not only inside the job
    add_jars_to_context_class_loader(jars.split(";"))
    gw.jvm.System.setProperty("tsflink.bench.probe.file", a.probe_file)
    gw.jvm.System.setProperty("tsflink.bench.probe.warmup.ms", str(int(a.warmup * 1000)))

    bench = gw.jvm.dev.tsflink.bench.DataStreamBench
    events = DataStream(bench.events(env._j_stream_execution_environment, a.events, a.keys))
    counts = events.key_by(lambda e: e[0], key_type=Types.LONG()).process(RunningCount(), output_type=COUNT)
    doubled = counts.map(lambda r: Row(key=r[0], count=r[1] * 2, genNs=r[2]), output_type=COUNT)
    bench.probe(doubled._j_data_stream, 2)
    env.execute("bench:datastream PyFlink " + a.mode)
    print(json.dumps({"mode": a.mode, "status": "FINISHED"}))


if __name__ == "__main__":
    main()
