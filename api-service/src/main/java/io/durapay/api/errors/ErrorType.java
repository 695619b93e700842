package io.durapay.api.errors;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of error the API reports, as in the {@code type} field of every error body. */
public enum ErrorType {
  INVALID_REQUEST_ERROR,
  AUTHENTICATION_ERROR,
  IDEMPOTENCY_ERROR,
  NOT_FOUND_ERROR,
  RATE_LIMIT_ERROR,
  API_ERROR;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
