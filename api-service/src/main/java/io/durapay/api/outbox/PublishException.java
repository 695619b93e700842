package io.durapay.api.outbox;

/**
 * The destination did not accept an event. The relay keeps it and tries again later; when the
 * destination {@linkplain #refused() refused this event as such} (rather than being down) it is
 * parked once it has been tried {@code outbox.maxAttempts} times.
 */
public class PublishException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean refused;

  public PublishException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public PublishException(String message) {
    this(message, null, false);
  }

  private PublishException(String message, Throwable cause, boolean refused) {
    super(message, cause);
    this.refused = refused;
  }

  /** The destination answered, and said no to this event: trying it again will not help. */
  public static PublishException refused(String message, Throwable cause) {
    return new PublishException(message, cause, true);
  }

  public boolean refused() {
    return refused;
  }
}
