package io.durapay.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.durapay.apiclient.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The error codes the served OpenAPI document lists for an operation's status: each error
 * response's examples, one per code.
 */
public final class ErrorCatalogue {
  private final JsonNode document;

  private ErrorCatalogue(JsonNode document) {
    this.document = document;
  }

  /** The document the app serves. */
  public static ErrorCatalogue served(ApiClient api) {
    try {
      return new ErrorCatalogue(new ObjectMapper(new YAMLFactory())
          .readTree(api.request("GET", "/v1/openapi.yaml").send().body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The codes of {@code operationId}'s {@code status}; empty when it documents none. */
  public Set<String> codes(String operationId, int status) {
    Set<String> codes = new TreeSet<>();
    document.path("paths").forEach(path -> path.forEach(operation -> {
      if (operation.path("operationId").asText().equals(operationId)) {
        resolve(operation.path("responses").path(String.valueOf(status)))
            .path("content").path("application/json").path("examples")
            .forEach(example -> codes.add(resolve(example).at("/value/error/code").asText()));
      }
    }));
    return codes;
  }

  /** The ids of the operations that need an API key. */
  public Set<String> securedOperations() {
    Set<String> ids = new TreeSet<>();
    document.path("paths").forEach(path -> path.forEach(operation -> {
      JsonNode security = operation.has("security") ? operation.get("security") : document.path("security");
      if (operation.has("operationId") && !security.isEmpty()) {
        ids.add(operation.get("operationId").asText());
      }
    }));
    return ids;
  }

  private JsonNode resolve(JsonNode node) {
    JsonNode resolved = node;
    while (resolved.has("$ref")) {
      resolved = document.at(resolved.get("$ref").asText().substring(1));
    }
    return resolved;
  }
}
