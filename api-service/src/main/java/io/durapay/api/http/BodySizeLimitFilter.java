package io.durapay.api.http;

import io.durapay.api.errors.ApiException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Refuses a body whose declared length is over the limit before any of it is read. Bodies sent
 * without a length are counted as they are read (see the resources).
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 50)
public final class BodySizeLimitFilter implements ContainerRequestFilter {
  private final int maxBytes;

  public BodySizeLimitFilter(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getLength() > maxBytes) {
      throw ApiException.payloadTooLarge(maxBytes);
    }
  }
}
