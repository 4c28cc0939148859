/**
 * Mirrors org.apache.flink.table.api.bridge.java.StreamStatementSet: a StreamTableEnvironment's
 * statement set, whose INSERTs can join the StreamExecutionEnvironment's job instead of running as
 * a job of their own.
 */
import { Gateway } from '../../gateway/facade';
import { StatementSet } from '../statement-set';

export class StreamStatementSet extends StatementSet {
  /**
   * Adds the set's INSERTs to the StreamExecutionEnvironment's pipeline and clears the set: the
   * next env.execute() runs them with the environment's streams, as one job (Java's
   * attachAsDataStream()).
   */
  attachAsDataStream(): void {
    Gateway.invoke(this.handle, 'attachAsDataStream', []);
  }
}
