package io.durapay.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The proxy in front of an echo server: a round trip gains two delays, bytes keep their order, and
 * chunks in flight together are delayed side by side, not one after another. Bounds are far from
 * what a loaded machine could reach by chance: a lower bound the proxy guarantees, and an upper bound
 * many times the expected time yet well below what a serialising proxy would need.
 */
class DelayProxyTest {
  private static final Duration ONE_WAY = Duration.ofMillis(20);

  @Test
  void aRoundTripGainsTwoDelays() throws Exception {
    try (EchoServer echo = new EchoServer();
        DelayProxy proxy = new DelayProxy(echo.port(), ONE_WAY);
        Socket client = connect(proxy)) {
      byte[] ping = "ping".getBytes(US_ASCII);

      long started = System.nanoTime();
      client.getOutputStream().write(ping);
      byte[] pong = client.getInputStream().readNBytes(ping.length);
      Duration roundTrip = Duration.ofNanos(System.nanoTime() - started);

      assertThat(pong).isEqualTo(ping);
      assertThat(roundTrip).isGreaterThanOrEqualTo(ONE_WAY.multipliedBy(2));
    }
  }

  @Test
  void chunksInFlightTogetherAreDelayedSideBySide() throws Exception {
    // A read takes at most CHUNK_BYTES, so at least 128 chunks each way: delayed one after another,
    // the last would arrive after 128 x 20 ms = 2.56 s; side by side, after about 40 ms.
    byte[] data = new byte[128 * DelayProxy.CHUNK_BYTES];
    new Random(7).nextBytes(data);
    try (EchoServer echo = new EchoServer();
        DelayProxy proxy = new DelayProxy(echo.port(), ONE_WAY);
        Socket client = connect(proxy)) {

      long started = System.nanoTime();
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> write(client, data));
      byte[] echoed = client.getInputStream().readNBytes(data.length);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      sent.join();

      assertThat(echoed).isEqualTo(data);
      assertThat(elapsed).isGreaterThanOrEqualTo(ONE_WAY.multipliedBy(2)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void closeEndsItsConnectionsAndThreads() throws Exception {
    try (EchoServer echo = new EchoServer(); DelayProxy proxy = new DelayProxy(echo.port(), ONE_WAY)) {
      try (Socket client = connect(proxy)) {
        client.getOutputStream().write(1);
        assertThat(client.getInputStream().read()).isEqualTo(1); // the connection is through
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().equals("delay-proxy"))
            .toList();

        proxy.close();

        assertThat(client.getInputStream().read()).isEqualTo(-1);
        for (Thread thread : threads) {
          thread.join(Duration.ofSeconds(2).toMillis());
        }
        assertThat(threads).isNotEmpty().noneMatch(Thread::isAlive);
      }
    }
  }

  private static Socket connect(DelayProxy proxy) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) Duration.ofSeconds(5).toMillis()); // a hang fails instead
    return socket;
  }

  private static void write(Socket socket, byte[] data) {
    try {
      socket.getOutputStream().write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends each connection back what it receives, on a free loopback port. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final ExecutorService threads = Executors.newCachedThreadPool();

    EchoServer() throws IOException {
      threads.execute(this::serve);
    }

    int port() {
      return listener.getLocalPort();
    }

    private void serve() {
      try {
        while (true) {
          Socket socket = listener.accept();
          threads.execute(() -> echo(socket));
        }
      } catch (IOException e) {
        // Closed.
      }
    }

    private static void echo(Socket socket) {
      try (socket) {
        socket.setTcpNoDelay(true);
        socket.getInputStream().transferTo(socket.getOutputStream());
      } catch (IOException e) {
        // The proxy closed the connection.
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      threads.shutdown(); // echo threads end as the proxy closes their connections
    }
  }
}
