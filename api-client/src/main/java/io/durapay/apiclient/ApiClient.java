package io.durapay.apiclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * durapay's REST API over real HTTP, as a merchant (or an operator's script) calls it. The one
 * client the API's tests, the devstack's demos and the benchmarks share: raw bodies and headers,
 * so a test can send anything, and a few calls a merchant makes every day.
 */
public final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Supplier<String> baseUrl;

  /** The API on this machine's loopback. */
  public ApiClient(int port) {
    this(() -> "http://127.0.0.1:" + port);
  }

  /** {@code baseUrl} is asked on every call, so the client outlives a restart on a new port. */
  public ApiClient(Supplier<String> baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** An answer, its body read as JSON where it is JSON. */
  public record Reply(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON (" + status + "): " + body, e);
      }
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** The error body's field, for example {@code error("param")}. */
    public String error(String field) {
      JsonNode value = json().path("error").path(field);
      return value.isNull() || value.isMissingNode() ? null : value.asText();
    }

    /** This answer's JSON when it is a success; an answer of 400 or more is thrown, with its body. */
    public JsonNode ok() {
      if (status >= 400) {
        String request = raw.request().method() + " " + raw.request().uri().getPath();
        throw new IllegalStateException(request + " answered " + status + ": " + body);
      }
      return json();
    }
  }

  /** Creates a payment of 19.99 EUR under a fresh idempotency key; its id. */
  public String createPayment(String apiKey, String paymentMethod, String description) {
    String body = "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"" + paymentMethod
        + "\",\"description\":\"" + description + "\"}";
    return request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString()).json(body).send()
        .ok().get("id").asText();
  }

  /** Asks for a payment of 19.99 EUR under this idempotency key; the answer, whatever it is. */
  public Reply tryCreatePayment(String apiKey, String paymentMethod, String idempotencyKey) {
    return request("POST", "/v1/payments").bearer(apiKey).header("Idempotency-Key", idempotencyKey)
        .json("{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"" + paymentMethod + "\"}")
        .send();
  }

  public Request request(String method, String path) {
    return new Request(method, path);
  }

  /** One request, built up and then sent. */
  public final class Request {
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;

    private Request(String method, String path) {
      this.method = method;
      this.path = path;
    }

    public Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Request bearer(String apiKey) {
      return header("Authorization", "Bearer " + apiKey);
    }

    public Request json(String json) {
      headers.putIfAbsent("Content-Type", "application/json");
      this.body = json.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public Request body(byte[] bytes, String contentType) {
      headers.put("Content-Type", contentType);
      this.body = bytes;
      return this;
    }

    /** Sends it; a request that got no answer at all is an {@link UncheckedIOException}. */
    public Reply send() {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl.get() + path))
          .timeout(TIMEOUT)
          .method(method, body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(builder::header);
      try {
        HttpResponse<String> response;
        try {
          response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
          if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
            throw e;
          }
          // The JDK client picked a pooled connection the server had just closed (after an error
          // answer whose body it did not read) and got not one byte back. Once more, on a fresh
          // connection: the server did not read the first, and every write of the API may be
          // repeated besides (a create under its Idempotency-Key, a cancel, the tasks).
          response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        }
        return new Reply(response.statusCode(), response.body(), response);
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(method + " " + path + " was interrupted", e);
      }
    }
  }
}
