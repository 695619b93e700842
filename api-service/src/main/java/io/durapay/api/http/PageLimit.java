package io.durapay.api.http;

import io.durapay.api.errors.ApiException;

/** The {@code limit} query parameter of a list: 1 to 100, {@code defaultLimit} when absent. */
public final class PageLimit {
  private PageLimit() {}

  public static int parse(String limit, int defaultLimit) {
    if (limit == null) {
      return defaultLimit;
    }
    try {
      int value = Integer.parseInt(limit);
      if (value >= 1 && value <= 100) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as an out-of-range number.
    }
    throw ApiException.invalid("invalid_limit", "limit must be an integer from 1 to 100.", "limit");
  }
}
