package io.durapay.devstack.sns;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A local SNS for development and tests: CreateTopic, Subscribe (sqs), Publish and PublishBatch
 * over the AWS Query protocol (what durapay calls), so an unmodified {@code
 * SnsClient} pointed at {@link #endpoint()} works. Publish fans out through the given {@code
 * SqsClient} (ElasticMQ in the devstack) exactly as SNS would deliver to SQS.
 *
 * <p>State lives in memory and survives a stop and start, but not the JVM.
 */
public final class SnsEmulator implements AutoCloseable {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT_ID = "000000000000";

  private final int requestedPort;
  private final SnsTopics topics;
  // Volatile, not guarded: a delivery in flight reads the endpoint while stop() holds the lock
  // and waits for that very delivery to finish.
  private volatile HttpServer server;

  /**
   * @param port the loopback port to listen on, or 0 for any free port
   * @param sqs delivers the fan-out; its endpoint must serve the queues that subscribers name
   */
  public SnsEmulator(int port, SqsClient sqs) {
    this.requestedPort = port;
    this.topics = new SnsTopics(sqs, this::endpoint);
  }

  public synchronized SnsEmulator start() {
    if (server != null) {
      throw new IllegalStateException("The SNS emulator is already running on " + endpoint());
    }
    HttpServer created;
    try {
      // Loopback only: requests are not authenticated (see SnsQueryHandler).
      created = HttpServer.create(new InetSocketAddress("127.0.0.1", requestedPort), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + requestedPort, e);
    }
    created.createContext("/", new SnsQueryHandler(topics));
    created.start();
    server = created;
    return this;
  }

  /** The port actually bound, which differs from the requested one when that was 0. */
  public int port() {
    HttpServer running = server;
    if (running == null) {
      throw new IllegalStateException("The SNS emulator is not running");
    }
    return running.getAddress().getPort();
  }

  /** For {@code SnsClient.builder().endpointOverride(...)}: {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** Creates a topic without an SDK round trip, for wiring a stack; idempotent like CreateTopic. */
  public String createTopic(String name) {
    return topics.createTopic(name);
  }

  /** Closes the listening socket at once; a request in flight is cut off, not awaited. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
