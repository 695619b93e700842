package io.durapay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on a free loopback port that forwards every connection to a loopback port and holds
 * each chunk of bytes for a fixed one-way delay, in both directions: a round trip through it costs
 * two delays more. With Temporal's test server in the benchmark's JVM a workflow start is CPU;
 * against a real cluster it is mostly waiting for the round trip. Put between a client and the test
 * server, this proxy adds that wait back.
 *
 * <p>A chunk is due at its arrival plus the delay, not at the previous chunk's departure plus the
 * delay: gRPC multiplexes concurrent calls over one HTTP/2 connection, and delaying chunks one after
 * the other would serialise calls that a network carries side by side. Per direction, one thread
 * reads and stamps chunks into a queue and another writes each when it is due, so the bytes keep
 * their order and a chunk never waits for more than its own delay (plus waking the writer).
 *
 * <p>{@link #close()} closes the listening socket, every connection and every thread.
 *
 * <p>Long because it owns the whole proxy: the listener, a reader and a writer thread for each
 * direction of each connection, and the close that must stop all of them; it stays one class
 * because the connections and the close share the one thread pool and set of links.
 */
final class DelayProxy implements AutoCloseable {
  /** The most one read takes: a chunk is what one read of the socket returned. */
  static final int CHUNK_BYTES = 16 * 1024;

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final int upstreamPort;
  private final long delayNanos;
  private final ServerSocket listener;
  private final ExecutorService threads = Executors.newCachedThreadPool(DelayProxy::daemon);
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private boolean closed; // guarded by this

  /** Listens at once; forwards to {@code upstreamPort} on the loopback interface. */
  DelayProxy(int upstreamPort, Duration oneWayDelay) throws IOException {
    this.upstreamPort = upstreamPort;
    this.delayNanos = oneWayDelay.toNanos();
    this.listener = new ServerSocket(0, 50, LOOPBACK);
    threads.execute(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** host:port for a client, e.g. a Temporal target. */
  String target() {
    return LOOPBACK.getHostAddress() + ":" + port();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    closeQuietly(listener);
    links.forEach(Link::close);
    threads.shutdownNow(); // wakes the writers waiting for a chunk or its due time
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("delay proxy threads still running 5 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (true) {
      Link link;
      try {
        link = new Link(listener.accept());
      } catch (IOException e) {
        return; // closed
      }
      try {
        link.connect();
        open(link);
      } catch (IOException e) {
        link.close();
      }
    }
  }

  private synchronized void open(Link link) {
    if (closed) {
      link.close();
      return;
    }
    links.add(link);
    link.start();
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "delay-proxy");
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is all that is left to do with it.
    }
  }

  /** Bytes one read returned and when they are to be written on; no bytes: end of stream. */
  private record Chunk(long dueNanos, byte[] bytes) {
    boolean endOfStream() {
      return bytes.length == 0;
    }
  }

  /** An accepted connection and the one opened for it to the upstream port. */
  private final class Link {
    private final Socket downstream;
    private final Socket upstream = new Socket();
    private final AtomicInteger openDirections = new AtomicInteger(2);

    Link(Socket downstream) {
      this.downstream = downstream;
    }

    void connect() throws IOException {
      upstream.connect(new InetSocketAddress(LOOPBACK, upstreamPort));
      // Small writes go out at once: Nagle's algorithm would add a delay of its own to ours.
      downstream.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    }

    void start() {
      forward(downstream, upstream);
      forward(upstream, downstream);
    }

    private void forward(Socket from, Socket to) {
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      threads.execute(() -> read(from, queue));
      threads.execute(() -> write(queue, to));
    }

    private void read(Socket from, BlockingQueue<Chunk> queue) {
      byte[] buffer = new byte[CHUNK_BYTES];
      try {
        InputStream in = from.getInputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
        }
      } catch (IOException e) {
        // A reset or a closed socket ends this direction like an end of stream.
      }
      queue.add(new Chunk(System.nanoTime() + delayNanos, new byte[0]));
    }

    private void write(BlockingQueue<Chunk> queue, Socket to) {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk chunk = queue.take();
          waitUntil(chunk.dueNanos());
          if (chunk.endOfStream()) {
            break;
          }
          out.write(chunk.bytes());
        }
        to.shutdownOutput(); // a half close, passed on like the bytes before it
        if (openDirections.decrementAndGet() == 0) {
          close();
        }
      } catch (IOException e) {
        close(); // the peer is gone
      } catch (InterruptedException e) {
        close(); // the proxy is closing
        Thread.currentThread().interrupt();
      }
    }

    void close() {
      links.remove(this);
      closeQuietly(downstream);
      closeQuietly(upstream);
    }
  }

  private static void waitUntil(long dueNanos) throws InterruptedException {
    for (long left = dueNanos - System.nanoTime(); left > 0; left = dueNanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
