package io.durapay.api.responses;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.durapay.api.webhooks.WebhookEndpoints;
import java.time.Instant;

/**
 * The merchant's webhook endpoint as the API shows it (never its secret). Every field is always
 * present, null when it has no value; {@code resent} only in the answer to turning it on.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WebhookEndpointResponse(
    String url,
    boolean enabled,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Instant disabledAt,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Instant previousSecretSignsUntil,
    Integer resent) {

  public static WebhookEndpointResponse from(WebhookEndpoints.Endpoint endpoint) {
    return new WebhookEndpointResponse(endpoint.url(), endpoint.enabled(), endpoint.disabledAt(),
        endpoint.previousSecretSignsUntil(), endpoint.resent());
  }
}
