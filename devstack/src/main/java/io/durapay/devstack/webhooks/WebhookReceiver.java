package io.durapay.devstack.webhooks;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.durapay.worker.webhook.WebhookSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The merchants' webhook endpoints for the devstack: verifies each delivery's Standard Webhooks
 * signature with the merchant's secret, as a merchant would, and records every attempt so that the
 * demo and tests can see what arrived. {@code GET /deliveries[?paymentId=…]} lists them as JSON.
 *
 * <p>Long because it is both the merchants' endpoints (signature check, down endpoints, 404 and 405
 * answers) and the record of every attempt with its listing; they stay in one class because the
 * listing reads the same list of deliveries that the handler appends to under one lock.
 */
public final class WebhookReceiver {

  private static final String DELIVERIES = "/deliveries";

  /** A registered path: its secret, or null when it plays an endpoint that is down. */
  private record Endpoint(String secret) {}

  private final int port;
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final List<WebhookDelivery> deliveries = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private HttpServer server;

  /** A receiver on 127.0.0.1 at {@code port}; 0 picks a free one. */
  public WebhookReceiver(int port) {
    this.port = port;
  }

  public void start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  public void stop() {
    server.stop(0);
  }

  public String baseUrl() {
    if (server == null) {
      throw new IllegalStateException("the webhook receiver is not started");
    }
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The URL to give a merchant for {@code path}. */
  public String url(String path) {
    return baseUrl() + path;
  }

  /**
   * Accepts deliveries to {@code path} signed with {@code whsecSecret}; registering a path again
   * replaces its secret, or brings a down endpoint back up.
   *
   * @throws IllegalArgumentException if the secret is not {@code whsec_<base64 key>}
   */
  public void register(String path, String whsecSecret) {
    // Signing once rejects a malformed secret now rather than at the first delivery.
    WebhookSigner.sign(whsecSecret, "check", 0, "");
    endpoints.put(checked(path), new Endpoint(whsecSecret));
  }

  /** Makes {@code path} answer 503 to every delivery, as a merchant whose endpoint is down. */
  public void registerDown(String path) {
    endpoints.put(checked(path), new Endpoint(null));
  }

  /** Every delivery attempt so far, oldest first. */
  public List<WebhookDelivery> deliveries() {
    synchronized (deliveries) {
      return List.copyOf(deliveries);
    }
  }

  /** The delivery attempts whose event is about {@code paymentId}, oldest first. */
  public List<WebhookDelivery> deliveriesFor(String paymentId) {
    return deliveries().stream().filter(d -> paymentId.equals(d.paymentId())).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      Endpoint endpoint = endpoints.get(path);
      if (path.equals(DELIVERIES) && method.equals("GET")) {
        list(exchange);
      } else if (endpoint == null) {
        respond(exchange, 404, "no webhook endpoint at " + path);
      } else if (!method.equals("POST")) {
        respond(exchange, 405, "webhooks are POSTed");
      } else {
        receive(exchange, path, endpoint);
      }
    } finally {
      exchange.close();
    }
  }

  /**
   * Why the message is not authentic, checked the way a merchant's Standard Webhooks library does
   * (the reference one): a timestamp within five minutes of now either way, and a signature
   * matching the endpoint's secret. Empty when it is authentic.
   */
  private static Optional<String> signatureProblem(String secret, String id, Headers headers, String body) {
    Map<String, List<String>> signed = new HashMap<>();
    for (String name : List.of("webhook-timestamp", "webhook-signature")) {
      if (headers.getFirst(name) != null) {
        signed.put(name, List.of(headers.getFirst(name)));
      }
    }
    if (id != null) {
      signed.put("webhook-id", List.of(id));
    }
    try {
      new Webhook(secret).verify(body, signed);
      return Optional.empty();
    } catch (WebhookVerificationException e) {
      return Optional.of(e.getMessage());
    } catch (RuntimeException e) {
      // A timestamp too long for a number, say: what a merchant's endpoint would refuse too.
      return Optional.of("unreadable webhook headers: " + e.getClass().getSimpleName());
    } catch (EmptyWebhookSecretException e) {
      throw new IllegalStateException("the endpoint's secret is empty", e);
    }
  }

  private void receive(HttpExchange exchange, String path, Endpoint endpoint) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
    Headers headers = exchange.getRequestHeaders();
    String id = headers.getFirst("webhook-id");
    Optional<String> problem =
        endpoint.secret() == null
            ? Optional.of("endpoint is down")
            : signatureProblem(endpoint.secret(), id, headers, body);
    int status = endpoint.secret() == null ? 503 : problem.isPresent() ? 400 : 204;
    JsonNode event = parse(body);
    synchronized (deliveries) {
      boolean duplicate = id != null && !seen.add(path + " " + id);
      deliveries.add(
          new WebhookDelivery(
              path,
              id,
              event.path("type").textValue(),
              event.path("data").path("paymentId").textValue(),
              problem.isEmpty(),
              duplicate,
              status,
              problem.orElse(null),
              Instant.now(),
              event.path("correlationId").textValue()));
    }
    respond(exchange, status, problem.orElse(null));
  }

  private void list(HttpExchange exchange) throws IOException {
    String paymentId = queryParameter(exchange.getRequestURI().getRawQuery(), "paymentId");
    List<WebhookDelivery> selected =
        paymentId == null ? deliveries() : deliveriesFor(paymentId);
    byte[] body = json.writeValueAsBytes(selected);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
  }

  /** A body that is not JSON is still recorded, just without event type or payment id. */
  private JsonNode parse(String body) {
    try {
      JsonNode event = json.readTree(body);
      return event == null ? json.missingNode() : event;
    } catch (JsonProcessingException notJson) {
      return json.missingNode();
    }
  }

  private static void respond(HttpExchange exchange, int status, String problem)
      throws IOException {
    if (problem == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] body = problem.getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      String[] nameAndValue = pair.split("=", 2);
      if (nameAndValue.length == 2 && URLDecoder.decode(nameAndValue[0], UTF_8).equals(name)) {
        return URLDecoder.decode(nameAndValue[1], UTF_8);
      }
    }
    return null;
  }

  private static String checked(String path) {
    if (path == null || !path.startsWith("/") || path.equals(DELIVERIES)) {
      throw new IllegalArgumentException("a webhook path starts with / and is not " + DELIVERIES);
    }
    return path;
  }
}
