/**
 * Flink's "Could not find any factory for identifier 'kafka'" names the missing factory but not the
 * jar that brings it; PyFlink users meet it as their first connector error. Say which TSFlink
 * connector to add, and how.
 */
import { addErrorHint } from '../gateway/errors';
import { connectorForIdentifier, knownConnectorNames } from './resolve';

// table factories: "any factory for identifier 'kafka' that implements ..."; formats: "any format factory for identifier 'avro'"
const MISSING_FACTORY = /Could not find any (?:format )?factory for identifier '([^']+)'/;

/** The advice for a missing factory identifier. */
export function missingFactoryAdvice(identifier: string): string {
  const spec = connectorForIdentifier(identifier);
  if (!spec) {
    return `TSFlink: no known connector provides '${identifier}' (known: ${knownConnectorNames().join(', ')}); add its jar with tEnv.addConnector('/path/to.jar' or 'group:artifact:version').`;
  }
  if (spec.builtin) {
    return `TSFlink: '${identifier}' is built in (connector '${spec.name}'); check the spelling of the option that names it.`;
  }
  return (
    `TSFlink: '${identifier}' comes with the '${spec.name}' connector; add it with await tEnv.addConnector('${spec.name}'), ` +
    `%connector ${spec.name} in the shell or kernel, connectors: ['${spec.name}'] in the session options, or tsflink run --connector ${spec.name}.`
  );
}

addErrorHint((causes) => {
  for (const c of causes) {
    const m = MISSING_FACTORY.exec(c.message);
    if (m) return missingFactoryAdvice(m[1]);
  }
  return undefined;
});
