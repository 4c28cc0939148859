/**
 * Mirrors org.apache.flink.table.connector.ChangelogMode's factories, for
 * StreamTableEnvironment.fromChangelogStream: which RowKinds a stream's rows may carry.
 */
export class ChangelogMode {
  private constructor(readonly name: 'insertOnly' | 'upsert' | 'all') {}

  /** Only +I rows. */
  static insertOnly(): ChangelogMode {
    return new ChangelogMode('insertOnly');
  }

  /** +I, +U and -D rows, keyed by the Schema's primary key (no -U: Flink derives the retractions). */
  static upsert(): ChangelogMode {
    return new ChangelogMode('upsert');
  }

  /** All four kinds (fromChangelogStream's default). */
  static all(): ChangelogMode {
    return new ChangelogMode('all');
  }
}
