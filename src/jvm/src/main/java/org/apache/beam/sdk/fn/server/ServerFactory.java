package org.apache.beam.sdk.fn.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.beam.model.pipeline.v1.Endpoints;
import org.apache.beam.sdk.fn.channel.SocketAddressFactory;
import org.apache.beam.vendor.grpc.v1p60p1.io.grpc.BindableService;
import org.apache.beam.vendor.grpc.v1p60p1.io.grpc.Server;
import org.apache.beam.vendor.grpc.v1p60p1.io.grpc.ServerInterceptors;
import org.apache.beam.vendor.grpc.v1p60p1.io.grpc.netty.NettyServerBuilder;

/**
 * COMPILE-ONLY OUTLINE of flink-python's (Beam's) {@code ServerFactory}: the jar leaves this outer
 * class out (src/jvm/pom.xml) and ships only {@link InetSocketAddressServerFactory}, which the glue
 * jar, first on the classpath, puts in place of flink-python's.
 *
 * <p>Why (issue 18, item 11): flink-python's UDF runner starts Beam's gRPC servers (control, data,
 * state, logging, provisioning, artifacts) for the UDF workers through the default factory, which
 * advertises a loopback URL but binds with {@code NettyServerBuilder.forPort}, i.e. on all
 * interfaces. The replacement binds to exactly the address it advertises (loopback); it is
 * otherwise what flink-python 2.3.0 ships (same constructors, message size and keep-alive).
 */
public abstract class ServerFactory {
  public abstract Server allocateAddressAndCreate(List<BindableService> services, Endpoints.ApiServiceDescriptor.Builder apiServiceDescriptor) throws IOException;

  public abstract Server create(List<BindableService> services, Endpoints.ApiServiceDescriptor serviceDescriptor) throws IOException;

  /** As in flink-python. */
  public interface UrlFactory {
    String createUrl(String address, int port);
  }

  /** The default factory (TCP on loopback), binding to the loopback address it advertises. */
  public static class InetSocketAddressServerFactory extends ServerFactory {
    /** Beam's keep-alive permission, in seconds (flink-python 2.3.0's value). */
    private static final long KEEP_ALIVE_SECONDS = 19;

    private final UrlFactory urlFactory;
    private final Supplier<Integer> portSupplier;

    private InetSocketAddressServerFactory(UrlFactory urlFactory) {
      this(urlFactory, () -> 0);
    }

    private InetSocketAddressServerFactory(UrlFactory urlFactory, Supplier<Integer> portSupplier) {
      this.urlFactory = urlFactory;
      this.portSupplier = portSupplier;
    }

    @Override
    public Server allocateAddressAndCreate(List<BindableService> services, Endpoints.ApiServiceDescriptor.Builder apiServiceDescriptor) throws IOException {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), portSupplier.get());
      Server server = createServer(services, address);
      apiServiceDescriptor.setUrl(urlFactory.createUrl(address.getHostName(), server.getPort()));
      return server;
    }

    @Override
    public Server create(List<BindableService> services, Endpoints.ApiServiceDescriptor serviceDescriptor) throws IOException {
      SocketAddress socketAddress = SocketAddressFactory.createFrom(serviceDescriptor.getUrl());
      if (!(socketAddress instanceof InetSocketAddress)) {
        throw new IllegalArgumentException(String.format("%s %s requires a host:port socket address, got %s", getClass().getSimpleName(), ServerFactory.class.getSimpleName(), serviceDescriptor.getUrl()));
      }
      return createServer(services, (InetSocketAddress) socketAddress);
    }

    private static Server createServer(List<BindableService> services, InetSocketAddress socket) throws IOException {
      // forAddress, not forPort: bind where the URL points, not to every interface
      NettyServerBuilder builder = NettyServerBuilder.forAddress(socket).maxInboundMessageSize(Integer.MAX_VALUE).permitKeepAliveTime(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
      services.forEach(service -> builder.addService(ServerInterceptors.intercept(service, GrpcContextHeaderAccessorProvider.interceptor())));
      return builder.build().start();
    }
  }
}
