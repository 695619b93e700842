package io.durapay.api.errors;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The one shape of every error: {@code {"error": {"type", "code", "message", "param"}}}. */
public record ErrorResponse(Error error) {

  /**
   * @param type the kind of error
   * @param code a stable, machine-readable code (for example {@code parameter_invalid})
   * @param message what went wrong, for a human
   * @param param the request parameter, field or header at fault, when there is one
   */
  public record Error(
      ErrorType type,
      String code,
      String message,
      @JsonInclude(JsonInclude.Include.ALWAYS) String param) {}

  public static ErrorResponse of(ErrorType type, String code, String message, String param) {
    return new ErrorResponse(new Error(type, code, message, param));
  }
}
