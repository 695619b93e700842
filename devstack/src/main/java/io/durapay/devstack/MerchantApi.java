package io.durapay.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/** The public REST API as a merchant calls it: the demos use nothing else to make payments. */
final class MerchantApi {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Supplier<String> baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** {@code baseUrl} is asked on every call: the API's port survives restarts, not its object. */
  MerchantApi(Supplier<String> baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Creates a payment of 19.99 EUR with a fresh idempotency key and returns its id. */
  String createPayment(String apiKey, String token, String description)
      throws IOException, InterruptedException {
    JsonNode created = send(apiKey, "POST", "/v1/payments",
        "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"" + token + "\","
            + "\"description\":\"" + description + "\"}");
    return created.get("id").asText();
  }

  /** Asks for a payment of 19.99 EUR under this idempotency key; the answer as it came. */
  HttpResponse<String> tryCreatePayment(String apiKey, String token, String idempotencyKey)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(baseUrl.get() + "/v1/payments"))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"" + token + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends one request; an answer of 400 or more is an {@link IOException} with its body. */
  JsonNode send(String apiKey, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl.get() + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + apiKey)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString());
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return MAPPER.readTree(response.body());
  }
}
