package io.durapay.api.ratelimit;

import io.durapay.api.errors.ErrorResponse;
import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.errors.ErrorType;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.security.Principal;

/**
 * Refuses a merchant's request with 429 and {@code Retry-After} once its key has used up its
 * bucket. It runs after authentication (so the key is known and an unauthenticated flood cannot
 * drain a merchant's bucket) and before the resource, so a refused request changes nothing.
 */
@Priority(Priorities.AUTHORIZATION)
public final class RateLimitFilter implements ContainerRequestFilter {
  private final TokenBuckets buckets;

  public RateLimitFilter(TokenBuckets buckets) {
    this.buckets = buckets;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Principal principal =
        request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal();
    if (!(principal instanceof AuthenticatedMerchant merchant)) {
      return;
    }
    long retryAfter = buckets.take(merchant.id());
    if (retryAfter > 0) {
      request.abortWith(
          Response.status(429)
              .header("Retry-After", String.valueOf(retryAfter))
              .type(MediaType.APPLICATION_JSON_TYPE)
              .entity(
                  ErrorResponse.of(
                      ErrorType.RATE_LIMIT_ERROR,
                      "rate_limit_exceeded",
                      "Too many requests for this API key: the limit is "
                          + buckets.perSecond()
                          + " requests per second, with bursts of up to "
                          + buckets.burst()
                          + ". Nothing was changed; retry after "
                          + retryAfter
                          + " s.",
                      null))
              .build());
    }
  }
}
