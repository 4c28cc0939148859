package org.apache.beam.runners.fnexecution.control;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.fnexecution.artifact.ArtifactRetrievalService;
import org.apache.beam.runners.fnexecution.data.GrpcDataService;
import org.apache.beam.runners.fnexecution.environment.RemoteEnvironment;
import org.apache.beam.runners.fnexecution.logging.GrpcLoggingService;
import org.apache.beam.runners.fnexecution.provisioning.StaticGrpcProvisionService;
import org.apache.beam.runners.fnexecution.state.GrpcStateService;
import org.apache.beam.sdk.fn.server.GrpcFnServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * COMPILE-ONLY OUTLINE of flink-python's (Beam's) {@code DefaultJobBundleFactory}: the jar leaves
 * this outer class and {@link ServerInfo} out (src/jvm/pom.xml) and ships only
 * {@link WrappedSdkHarnessClient}, which the glue jar, first on the classpath, puts in place of
 * flink-python's (as ServerFactory.java does for the loopback server factory).
 *
 * <p>Why: a throwing TypeScript function killed TaskManagers (docs/datastream.md, "A second
 * flink-python bug"). The operators of one slot share one worker environment whose client counts
 * the bundles open on it. The last operator to close shuts the environment down: it drops the
 * cache's reference, then drops every reference still held ({@code while (client.unref() > 0)}). A
 * cancelled task's flush thread that releases its bundle between those two steps takes the count to
 * zero first, and the close's next {@code unref()} failed with "Reference count must not be
 * negative" in the task's failure clean-up, which Flink treats as fatal for the TaskManager. The
 * operators involved are flink-python's own (the Table API planner builds them by class name), so
 * the count itself is made to tolerate that release: a client whose count reached zero is closed
 * already, and a late release changes nothing. Everything else is what flink-python 2.3.0 ships.
 */
public class DefaultJobBundleFactory {
    private DefaultJobBundleFactory() {}

    /** Outline of flink-python's (AutoValue) ServerInfo: the servers of one environment. */
    public abstract static class ServerInfo {
        abstract GrpcFnServer<FnApiControlClientPoolService> getControlServer();

        abstract GrpcFnServer<GrpcLoggingService> getLoggingServer();

        abstract GrpcFnServer<ArtifactRetrievalService> getRetrievalServer();

        abstract GrpcFnServer<StaticGrpcProvisionService> getProvisioningServer();

        abstract GrpcFnServer<GrpcDataService> getDataServer();

        abstract GrpcFnServer<GrpcStateService> getStateServer();
    }

    /**
     * flink-python's holder of an SdkHarnessClient with its environment and servers, reference
     * counted by open bundles (+1 for the environment cache); unchanged but for {@link #unref()}.
     */
    protected static class WrappedSdkHarnessClient {
        private static final Logger LOG = LoggerFactory.getLogger(DefaultJobBundleFactory.class);

        private final RemoteEnvironment environment;
        private final SdkHarnessClient client;
        private final ServerInfo serverInfo;
        private final AtomicInteger bundleRefCount = new AtomicInteger();

        private boolean closed;

        static WrappedSdkHarnessClient wrapping(RemoteEnvironment environment, ServerInfo serverInfo) {
            SdkHarnessClient client = SdkHarnessClient.usingFnApiClient(environment.getInstructionRequestHandler(), serverInfo.getDataServer().getService());
            return new WrappedSdkHarnessClient(environment, client, serverInfo);
        }

        private WrappedSdkHarnessClient(RemoteEnvironment environment, SdkHarnessClient client, ServerInfo serverInfo) {
            this.environment = environment;
            this.client = client;
            this.serverInfo = serverInfo;
            ref();
        }

        SdkHarnessClient getClient() {
            return client;
        }

        ServerInfo getServerInfo() {
            return serverInfo;
        }

        public synchronized void close() {
            if (closed) {
                return;
            }
            // closed in the reverse order, all of them even when one fails (as flink-python's)
            try (AutoCloseable envCloser = environment;
                    AutoCloseable provisioningServer = serverInfo.getProvisioningServer();
                    AutoCloseable retrievalServer = serverInfo.getRetrievalServer();
                    AutoCloseable stateServer = serverInfo.getStateServer();
                    AutoCloseable dataServer = serverInfo.getDataServer();
                    AutoCloseable controlServer = serverInfo.getControlServer();
                    AutoCloseable loggingServer = serverInfo.getLoggingServer()) {
                closed = true;
            } catch (Exception e) {
                LOG.warn("Error cleaning up servers {}", environment.getEnvironment(), e);
            }
        }

        private int ref() {
            return bundleRefCount.incrementAndGet();
        }

        /**
         * One reference fewer; at zero the environment closes. flink-python fails below zero; here a
         * release after the count reached zero (the race above) leaves it at zero, the environment
         * closed once.
         */
        private int unref() {
            int refCount = bundleRefCount.updateAndGet(n -> Math.max(0, n - 1));
            if (refCount == 0) {
                // Close environment after it was removed from cache and all bundles finished.
                LOG.info("Closing environment {}", environment.getEnvironment());
                close();
            }
            return refCount;
        }
    }
}
