import { contributeToSession } from '../../session/session';

/** flink-python's Arrow (Arrow's MemoryUtil, shaded netty) needs java.nio's internals on Java 17. */
export const ARROW_JVM_OPTIONS: readonly string[] = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '-Dorg.apache.flink.api.python.shaded.io.netty.tryReflectionSetAccessible=true',
];

contributeToSession(() => ({ jvmOptions: [...ARROW_JVM_OPTIONS] }));
