package io.durapay.devstack;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a deployment platform does to durapay, for a running devstack, on loopback: start and stop
 * worker builds on task queues and move the route. {@code ci/rollout --devstack URL} drives a
 * rollout through it; people can too, with curl.
 *
 * <pre>
 * GET    /workers                         {"route":"v1","workers":["v1@payment-processing-v1"]}
 * POST   /workers?build=v2&queue=Q        start a v2 worker polling Q (Q defaults to v2's queue)
 * DELETE /workers?build=v1&queue=Q        stop it (graceful, then hands back what is left)
 * POST   /workers?build=v2&versioned=true start v2 as a version of the stack's Worker Deployment
 *                                         (devstack up --versioning); &fault=risk-limit-typo
 *                                         makes it a broken build, for a rollback to catch
 * DELETE /workers?build=v1&versioned=true stop that versioned worker
 * POST   /route?build=v2                  new payments go to v2's queue
 * GET    /env                             DATABASE_URL, DATABASE_USER and TEMPORAL_ADDRESS lines
 *                                         (and WORKER_DEPLOYMENT_NAME under versioning)
 * POST   /dead-letters/redrive            move the DLQ's messages back to the processing queue
 * </pre>
 *
 * <p>Long because it serves every control endpoint in the table above, with the query parsing and
 * error answers they need; it stays one class because all of them run on its one single-thread
 * executor, so that no two changes to the stack overlap.
 */
final class ControlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Stack stack;
  private final HttpServer server;

  ControlServer(Stack stack, int port) throws IOException {
    this.stack = stack;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    // One request at a time: the changes it makes are not meant to overlap.
    server.setExecutor(Executors.newSingleThreadExecutor(r -> new Thread(r, "devstack-control")));
    server.createContext("/workers", this::workers);
    server.createContext("/route", this::route);
    server.createContext("/env", this::env);
    server.createContext("/dead-letters/redrive", this::redrive);
  }

  void start() {
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void workers(HttpExchange exchange) throws IOException {
    handle(exchange, () -> {
      Map<String, String> query = query(exchange);
      String build = query.get("build");
      switch (exchange.getRequestMethod()) {
        case "GET" -> {
          return state();
        }
        case "POST" -> {
          if (versioned(query)) {
            stack.startVersionedWorker(required(build), Stack.WorkerFault.parse(query.get("fault")));
            LOG.info("control: started versioned worker {} ({})", build, Stack.buildId(build));
            return state();
          }
          String queue = query.getOrDefault("queue", Builds.taskQueue(required(build)));
          stack.startWorker(build, queue, 0);
          LOG.info("control: started worker {}@{}", build, queue);
          return state();
        }
        case "DELETE" -> {
          if (versioned(query)) {
            if (!stack.stopVersionedWorker(required(build))) {
              throw new NotFound("no versioned " + build + " worker runs");
            }
            LOG.info("control: stopped versioned worker {}", build);
            return state();
          }
          String queue = query.getOrDefault("queue", Builds.taskQueue(required(build)));
          if (!stack.stopWorker(build, queue)) {
            throw new NotFound("no " + build + " worker polls " + queue);
          }
          LOG.info("control: stopped worker {}@{}", build, queue);
          return state();
        }
        default -> throw new IllegalArgumentException("use GET, POST or DELETE on /workers");
      }
    });
  }

  private void route(HttpExchange exchange) throws IOException {
    handle(exchange, () -> {
      if (exchange.getRequestMethod().equals("POST")) {
        String build = required(query(exchange).get("build"));
        stack.switchRoute(build);
        return state();
      }
      if (exchange.getRequestMethod().equals("GET")) {
        return state();
      }
      throw new IllegalArgumentException("use GET or POST on /route");
    });
  }

  private void redrive(HttpExchange exchange) throws IOException {
    handle(exchange, () -> {
      if (!exchange.getRequestMethod().equals("POST")) {
        throw new IllegalArgumentException("use POST on /dead-letters/redrive");
      }
      int moved = stack.redriveDeadLetters();
      LOG.info("control: moved {} dead letters back to the processing queue", moved);
      return Map.of("moved", moved);
    });
  }

  /** Where the stack's database and Temporal are, as shell-style lines (no password). */
  private void env(HttpExchange exchange) throws IOException {
    String lines = "DATABASE_URL=" + stack.jdbcUrl() + "\n"
        + "DATABASE_USER=" + stack.databaseUser() + "\n"
        + "TEMPORAL_ADDRESS=" + stack.temporalTarget() + "\n"
        + (stack.deployment() == null ? "" : "WORKER_DEPLOYMENT_NAME=" + stack.deployment() + "\n");
    byte[] bytes = lines.getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Map<String, Object> state() {
    return Map.of("route", stack.route(), "workers", stack.workers());
  }

  private interface Action {
    Object run() throws Exception;
  }

  private static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }

  private static void handle(HttpExchange exchange, Action action) throws IOException {
    int status;
    Object body;
    try {
      body = action.run();
      status = 200;
    } catch (NotFound e) {
      status = 404;
      body = Map.of("error", e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      status = 400;
      body = Map.of("error", e.getMessage());
    } catch (Exception e) {
      LOG.warn("control request failed", e);
      status = 500;
      body = Map.of("error", String.valueOf(e.getMessage()));
    }
    byte[] bytes = (MAPPER.writeValueAsString(body) + "\n").getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static boolean versioned(Map<String, String> query) {
    return "true".equals(query.get("versioned"));
  }

  private static String required(String build) {
    if (build == null || build.isBlank()) {
      throw new IllegalArgumentException("say which build: ?build=v1 or ?build=v2");
    }
    return build;
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> values = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      String[] nameAndValue = pair.split("=", 2);
      values.put(URLDecoder.decode(nameAndValue[0], UTF_8),
          nameAndValue.length == 2 ? URLDecoder.decode(nameAndValue[1], UTF_8) : "");
    }
    return values;
  }
}
