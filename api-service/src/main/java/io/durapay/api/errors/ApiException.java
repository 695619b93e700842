package io.durapay.api.errors;


/**
 * A failure the caller can act on, reported with its HTTP status and the common error body.
 * Thrown anywhere below a resource; {@link ApiExceptionMapper} writes it out.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final ErrorType type;
  private final String code;
  private final String param;

  public ApiException(int status, ErrorType type, String code, String message, String param) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  /** 400: a parameter is missing or invalid. */
  public static ApiException invalid(String code, String message, String param) {
    return new ApiException(400, ErrorType.INVALID_REQUEST_ERROR, code, message, param);
  }

  /** 413: the body is over the limit. */
  public static ApiException payloadTooLarge(int maxBytes) {
    return new ApiException(
        413,
        ErrorType.INVALID_REQUEST_ERROR,
        "payload_too_large",
        "The request body is larger than " + (maxBytes / 1024) + " KiB.",
        null);
  }

  public static ApiException notFound(String message, String param) {
    return new ApiException(404, ErrorType.NOT_FOUND_ERROR, "resource_missing", message, param);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(401, ErrorType.AUTHENTICATION_ERROR, "invalid_api_key", message, null);
  }

  public int status() {
    return status;
  }

  public ErrorType type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  public ErrorResponse toResponse() {
    return ErrorResponse.of(type, code, getMessage(), param);
  }
}
