/**
 * Fraud detection, after Flink's DataStream walkthrough: a KeyedProcessFunction per account flags a
 * small transaction (ValueState) and alerts when a large one follows it, unless a processing-time
 * timer cleared the flag first. The transactions are generated, with real-time pauses between some
 * of them. Run: tsflink run examples/fraud-detection.ts
 */
import {
  StreamExecutionEnvironment,
  Types,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessFunction,
  type KeyedProcessFunctionContext,
  type KeyedRuntimeContext,
  type OnTimerContext,
  type ValueState,
} from 'tsflink';

interface Transaction {
  accountId: number;
  amount: number;
  /** Real time to wait before this transaction happens, in ms. */
  pauseMs: number;
}

const SMALL_AMOUNT = 1.0;
const LARGE_AMOUNT = 500.0;
/** Flink's walkthrough uses one minute; one second keeps the example short. */
const FLAG_TIMEOUT_MS = 1000;

class FraudDetector implements KeyedProcessFunction<number, Transaction, string> {
  private flag!: ValueState<boolean>;
  private timer!: ValueState<number>;

  open(ctx: KeyedRuntimeContext): void {
    this.flag = ctx.getState(new ValueStateDescriptor<boolean>('flag'));
    this.timer = ctx.getState(new ValueStateDescriptor<number>('timer'));
  }

  async processElement(tx: Transaction, ctx: KeyedProcessFunctionContext<number>, out: Collector<string>): Promise<void> {
    if (await this.flag.value()) {
      if (tx.amount > LARGE_AMOUNT) out.collect(`ALERT account ${tx.accountId}: ${tx.amount.toFixed(2)} right after a small transaction`);
      await this.cleanUp(ctx);
    }
    if (tx.amount < SMALL_AMOUNT) {
      await this.flag.update(true);
      const at = ctx.timerService().currentProcessingTime() + FLAG_TIMEOUT_MS;
      ctx.timerService().registerProcessingTimeTimer(at);
      await this.timer.update(at);
    }
  }

  /** The flag expires: a large transaction long after the small one is not an alert. */
  async onTimer(): Promise<void> {
    await this.timer.clear();
    await this.flag.clear();
  }

  private async cleanUp(ctx: KeyedProcessFunctionContext<number> | OnTimerContext<number>): Promise<void> {
    const at = await this.timer.value();
    if (at !== null) ctx.timerService().deleteProcessingTimeTimer(at);
    await this.timer.clear();
    await this.flag.clear();
  }
}

/** Deterministic transactions: a pseudo-random stream with a few planted patterns. */
function transactions(): Transaction[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const txs: Transaction[] = [];
  for (let i = 0; i < 40; i++) txs.push({ accountId: 1 + (i % 5), amount: Math.round((10 + random() * 400) * 100) / 100, pauseMs: 0 });
  txs.splice(10, 0, { accountId: 3, amount: 0.5, pauseMs: 0 }, { accountId: 3, amount: 734.11, pauseMs: 0 }); // fraud
  txs.splice(20, 0, { accountId: 4, amount: 0.09, pauseMs: 0 }, { accountId: 4, amount: 52.0, pauseMs: 0 }, { accountId: 4, amount: 999.0, pauseMs: 0 }); // not: a normal one came between
  txs.push({ accountId: 2, amount: 0.25, pauseMs: 0 }, { accountId: 2, amount: 1200.0, pauseMs: 2 * FLAG_TIMEOUT_MS }); // not: the flag expired
  txs.push({ accountId: 5, amount: 0.01, pauseMs: 0 }, { accountId: 5, amount: 650.0, pauseMs: 100 }); // fraud
  return txs;
}

async function main(): Promise<void> {
  // one-transaction bundles: each reaches the detector as it happens
  const env = await StreamExecutionEnvironment.create({ 'python.fn-execution.bundle.size': '1', 'parallelism.default': '1' });
  const alerts = env
    .fromCollection(transactions())
    .map(async (tx: Transaction) => {
      if (tx.pauseMs > 0) await new Promise((r) => setTimeout(r, tx.pauseMs));
      return tx;
    })
    .name('transactions')
    .keyBy((tx) => tx.accountId, Types.INT())
    .process(new FraudDetector(), Types.STRING())
    .name('fraud-detector');
  for await (const alert of alerts.executeAndCollect('fraud detection')) console.log(alert);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
