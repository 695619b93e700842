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

  /** The type that goes with an HTTP status when nothing more specific is known. */
  public static ErrorType forStatus(int status) {
    return switch (status) {
      case 401 -> AUTHENTICATION_ERROR;
      case 404 -> NOT_FOUND_ERROR;
      case 429 -> RATE_LIMIT_ERROR;
      default -> status >= 500 ? API_ERROR : INVALID_REQUEST_ERROR;
    };
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
