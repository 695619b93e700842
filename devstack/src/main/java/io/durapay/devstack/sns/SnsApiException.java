package io.durapay.devstack.sns;

/**
 * An SNS error as the Query protocol reports it. The SDK turns the {@code code} into its modeled
 * exception (NotFound becomes {@code NotFoundException}), so the codes must be the real ones.
 */
final class SnsApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  private SnsApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static SnsApiException notFound(String message) {
    return new SnsApiException(404, "NotFound", message);
  }

  static SnsApiException invalidParameter(String message) {
    return new SnsApiException(400, "InvalidParameter", "Invalid parameter: " + message);
  }

  /** A PublishBatch call refused as a whole for its shape; {@code code} is SNS's own. */
  static SnsApiException batch(String code, String message) {
    return new SnsApiException(400, code, message);
  }

  static SnsApiException invalidAction(String action) {
    return new SnsApiException(
        400, "InvalidAction", "The action " + action + " is not valid for this endpoint.");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
