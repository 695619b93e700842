package io.durapay.worker.gateway;

/**
 * The gateway rejected the request itself (bad parameters, bad key, unknown intent). Retrying the
 * same request gets the same answer; the request or the configuration has to change.
 */
public final class GatewayRejectedException extends GatewayException {

  private final int status;

  public GatewayRejectedException(int status, String code, String message) {
    super(code, message, null);
    this.status = status;
  }

  /** The HTTP status the gateway answered with. */
  public int status() {
    return status;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
