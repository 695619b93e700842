package io.durapay.api.errors;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import java.util.UUID;
import org.jdbi.v3.core.ConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort. A database (or Temporal) that cannot be reached is a 503 the caller should
 * retry with the same key: usually nothing was written, but not always (a commit whose
 * acknowledgement was lost, a signal that timed out after Temporal applied it), so the body
 * promises nothing and says what is safe. Anything else is a 500 with an id to quote, logged with
 * its stack trace. Neither body says more than that.
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    if (isDependencyUnavailable(e)) {
      LOG.warn("dependency unavailable: {}", e.toString());
      return Response.status(503)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .header("Retry-After", "1")
          .entity(
              ErrorResponse.of(
                  ErrorType.API_ERROR,
                  "service_unavailable",
                  "The service is temporarily unavailable, and the request may or may not have taken"
                      + " effect. Retry it with the same Idempotency-Key (a cancel may simply be"
                      + " retried): a retry never makes a second payment or a second cancel.",
                  null))
          .build();
    }
    String errorId = UUID.randomUUID().toString();
    LOG.error("unexpected error {}", errorId, e);
    return Response.status(500)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(
            ErrorResponse.of(
                ErrorType.API_ERROR,
                "internal_error",
                "Something went wrong on our side (error id " + errorId + ").",
                null))
        .build();
  }

  private static boolean isDependencyUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // Temporal (for cancel and timeline) unreachable or too slow.
      if (t instanceof StatusRuntimeException grpc
          && (grpc.getStatus().getCode() == Status.Code.UNAVAILABLE
              || grpc.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED)) {
        return true;
      }
      if (t instanceof ConnectionException) {
        return true;
      }
      // SQLSTATE class 08: connection exceptions; 57P01..03: the server is shutting down.
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }
}
