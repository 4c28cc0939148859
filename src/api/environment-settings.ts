/** Mirrors org.apache.flink.table.api.EnvironmentSettings: streaming or batch mode plus configuration. */
export class EnvironmentSettings {
  private constructor(
    readonly mode: 'streaming' | 'batch',
    readonly configuration: Readonly<Record<string, string>>,
  ) {}

  static inStreamingMode(): EnvironmentSettings {
    return new EnvironmentSettings('streaming', {});
  }

  static inBatchMode(): EnvironmentSettings {
    return new EnvironmentSettings('batch', {});
  }

  static newInstance(): EnvironmentSettingsBuilder {
    return new EnvironmentSettingsBuilder();
  }

  isStreamingMode(): boolean {
    return this.mode === 'streaming';
  }

  /** The configuration the environment is created with. */
  getConfiguration(): Readonly<Record<string, string>> {
    return this.configuration;
  }

  /** The name of the catalog the environment starts in (`table.builtin-catalog-name`). */
  getBuiltInCatalogName(): string {
    return this.configuration['table.builtin-catalog-name'] ?? 'default_catalog';
  }

  /** The name of the database the environment starts in (`table.builtin-database-name`). */
  getBuiltInDatabaseName(): string {
    return this.configuration['table.builtin-database-name'] ?? 'default_database';
  }

  /** @internal */
  static of(mode: 'streaming' | 'batch', configuration: Record<string, string>): EnvironmentSettings {
    return new EnvironmentSettings(mode, configuration);
  }
}

export class EnvironmentSettingsBuilder {
  private mode: 'streaming' | 'batch' = 'streaming';
  private config: Record<string, string> = {};

  inStreamingMode(): this {
    this.mode = 'streaming';
    return this;
  }

  inBatchMode(): this {
    this.mode = 'batch';
    return this;
  }

  /** Flink configuration for the environment, e.g. {'parallelism.default': '2'}. */
  withConfiguration(config: Record<string, string | number | boolean>): this {
    for (const [k, v] of Object.entries(config)) this.config[k] = String(v);
    return this;
  }

  /** Names the built-in catalog (default 'default_catalog'). */
  withBuiltInCatalogName(name: string): this {
    this.config['table.builtin-catalog-name'] = name;
    return this;
  }

  /** Names the built-in catalog's default database (default 'default_database'). */
  withBuiltInDatabaseName(name: string): this {
    this.config['table.builtin-database-name'] = name;
    return this;
  }

  build(): EnvironmentSettings {
    return EnvironmentSettings.of(this.mode, { ...this.config });
  }
}
