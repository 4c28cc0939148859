import { contributeToSession } from '../../session/session';

// flink-python's Arrow (shaded netty) needs DirectByteBuffer's private constructor on Java 17.
contributeToSession(() => ({
  jvmOptions: ['--add-opens=java.base/java.nio=ALL-UNNAMED', '-Dorg.apache.flink.api.python.shaded.io.netty.tryReflectionSetAccessible=true'],
}));
