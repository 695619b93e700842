package io.durapay.api.webhooks;

import io.dropwizard.auth.Auth;
import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.api.responses.WebhookEndpointResponse;
import io.durapay.api.responses.WebhookSecretRotationResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /v1/webhook_endpoint}: the merchant's own webhook endpoint, its secret's rotation, turning it back on. */
@Path("/v1/webhook_endpoint")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookEndpointResource {
  private final WebhookEndpoints endpoints;

  public WebhookEndpointResource(WebhookEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @GET
  public WebhookEndpointResponse get(@Auth AuthenticatedMerchant merchant) {
    return WebhookEndpointResponse.from(endpoints.of(merchant.id()).orElseThrow());
  }

  /**
   * A new signing secret, shown in this answer; the old one signs beside it until {@code
   * previousSecretSignsUntil}. Called again meanwhile, it answers the same rotation.
   */
  @POST
  @Path("/rotate_secret")
  public WebhookSecretRotationResponse rotateSecret(@Auth AuthenticatedMerchant merchant) {
    MerchantOnboarding.SecretRotation rotation = endpoints.rotateSecret(merchant.id());
    return new WebhookSecretRotationResponse(rotation.secret(), rotation.previousSignsUntil());
  }

  /**
   * Turns deliveries back on and has every event of the last 30 days that never reached the
   * merchant sent again under its own {@code webhook-id}; {@code resent} says how many.
   */
  @POST
  @Path("/enable")
  public WebhookEndpointResponse enable(@Auth AuthenticatedMerchant merchant) {
    return WebhookEndpointResponse.from(endpoints.enable(merchant.id(), "merchant").orElseThrow());
  }
}
