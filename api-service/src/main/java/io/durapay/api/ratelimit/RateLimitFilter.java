package io.durapay.api.ratelimit;

import io.durapay.api.errors.ErrorResponse;
import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.errors.ErrorType;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.security.Principal;

/**
 * Refuses a merchant's request with 429 and {@code Retry-After} once its key has used up its
 * bucket. It runs after authentication (so the key is known and an unauthenticated flood cannot
 * drain a merchant's bucket) and before the resource, so a refused request changes nothing. Every
 * answer to an authenticated request carries the IETF {@code RateLimit-Policy} (the bucket: {@code
 * q} requests, refilled in {@code w} seconds) and {@code RateLimit} ({@code r} left, full again in
 * {@code t} seconds; for a refusal, the seconds until the next request may go).
 */
@Priority(Priorities.AUTHORIZATION)
public final class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String DECISION = RateLimitFilter.class.getName() + ".decision";
  private static final String POLICY = "per-key";

  private final RateLimiter buckets;

  public RateLimitFilter(RateLimiter buckets) {
    this.buckets = buckets;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Principal principal =
        request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal();
    if (!(principal instanceof AuthenticatedMerchant merchant)) {
      return;
    }
    RateLimiter.Decision decision = buckets.take(merchant.id());
    request.setProperty(DECISION, decision);
    long retryAfter = decision.retryAfter();
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

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(DECISION) instanceof RateLimiter.Decision decision)) {
      return;
    }
    long refill = (long) Math.ceil((double) buckets.burst() / buckets.perSecond());
    long untilFull = decision.retryAfter() > 0
        ? decision.retryAfter()
        : (long) Math.ceil((double) (buckets.burst() - decision.remaining()) / buckets.perSecond());
    response.getHeaders().putSingle("RateLimit-Policy", "\"" + POLICY + "\";q=" + buckets.burst() + ";w=" + refill);
    response.getHeaders().putSingle("RateLimit", "\"" + POLICY + "\";r=" + decision.remaining() + ";t=" + untilFull);
  }
}
