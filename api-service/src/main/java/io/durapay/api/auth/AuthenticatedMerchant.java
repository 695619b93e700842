package io.durapay.api.auth;

import java.security.Principal;

/** The merchant a request was authenticated as. Carries no secret. */
public record AuthenticatedMerchant(String id, String name, Long maxAmount) implements Principal {
  @Override
  public String getName() {
    return id;
  }
}
