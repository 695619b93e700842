package io.durapay.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Real HTTP requests to the running API, with raw bodies and headers so tests can send anything. */
public final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public ApiClient(int port) {
    this.baseUrl = "http://127.0.0.1:" + port;
  }

  /** A response with its body read as JSON where it is JSON. */
  public record Reply(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
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
  }

  public Request request(String method, String path) {
    return new Request(method, path);
  }

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

    /** As the test operator, with HTTP Basic credentials (for {@code /tasks/*}). */
    public Request operator() {
      return header("Authorization", Operator.basic());
    }

    public Request json(String json) {
      headers.putIfAbsent("Content-Type", "application/json");
      this.body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return this;
    }

    public Request body(byte[] bytes, String contentType) {
      headers.put("Content-Type", contentType);
      this.body = bytes;
      return this;
    }

    public Reply send() {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .timeout(Duration.ofSeconds(20))
              .method(
                  method,
                  body == null
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
          // connection; every request these tests send is safe to repeat (GETs, or POSTs under
          // an Idempotency-Key or refused before anything is stored).
          response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        }
        return new Reply(response.statusCode(), response.body(), response);
      } catch (IOException e) {
        throw new AssertionError(method + " " + path + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
