package io.durapay.api.outbox;

/** The destination did not accept an event. The relay keeps it and tries again later. */
public class PublishException extends Exception {
  private static final long serialVersionUID = 1L;

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }

  public PublishException(String message) {
    super(message);
  }
}
