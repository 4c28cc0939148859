/**
 * What Flink's own messages about async scalar functions do not say. Its AsyncWaitOperator fails a
 * call that outlives table.exec.async-scalar.timeout with a bare "Async function call has timed
 * out." naming neither the function nor the option (an embedded asyncUdf names itself when the
 * timeout passes with no retries left, JsEventLoop; with retries left the deadline is Flink's). And
 * its batch planner refuses an AsyncScalarFunction as if it were not a scalar function at all.
 */
import { addErrorHint } from '../../gateway/errors';

const ASYNC_TIMEOUT =
  'An async function (an asyncUdf in embedded mode, or a Java AsyncScalarFunction) gave no result in time: table.exec.async-scalar.timeout ' +
  "bounds each call of an async function together with its retries (Flink's AsyncWaitOperator). Raise it, or make the function answer sooner.";

const ASYNC_IN_BATCH =
  'Flink plans async scalar functions in streaming mode only: an asyncUdf in embedded mode (a Java AsyncScalarFunction) cannot run in batch mode. ' +
  "Use it in a streaming environment, or in process mode (no mode option), where flink-python's batch async operator runs it.";

addErrorHint((causes) =>
  causes.some((c) => c.className === 'java.util.concurrent.TimeoutException' && c.message.startsWith('Async function call has timed out')) ? ASYNC_TIMEOUT : undefined,
);

addErrorHint((causes) =>
  causes.some((c) => /Invalid use of function '\*dev\.tsflink\.embedded\.EmbeddedAsyncScalarFunction\$\w+\*'\. Currently, only scalar functions/.test(c.message)) ? ASYNC_IN_BATCH : undefined,
);
