/**
 * flink-python reports a UDF worker that ended during a bundle only as cut-off gRPC calls
 * ("Failed to close remote bundle" ... "CANCELLED"), with no error from the worker; say what that means.
 */
import { addErrorHint } from '../../gateway/errors';

const LOST_WORKER =
  'The UDF worker (the Node.js process that runs TypeScript UDFs beside the task) went away in the middle of a bundle: ' +
  'it crashed or was killed (for example for lack of memory). Its last log lines, if any, are in the TaskManager log (the session log for the local cluster).';

addErrorHint((causes) => {
  const text = causes.map((c) => c.message).join('\n');
  const lost = /Failed to (start|close) remote bundle/.test(text) && /CANCELLED|UNAVAILABLE|closed/.test(text) && !text.includes('Error received from SDK harness');
  return lost ? LOST_WORKER : undefined;
});
