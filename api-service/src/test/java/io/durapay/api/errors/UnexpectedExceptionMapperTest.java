package io.durapay.api.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.api.errors.ErrorResponse;
import io.grpc.Status;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 14: a 503 must not promise that nothing was changed, because it is not always
 * true (a commit whose acknowledgement was lost; a cancel signal that timed out after Temporal
 * applied it). It says what the client should do instead: retry with the same key, which is safe
 * either way. (The previous text, "nothing was changed", failed this test.)
 */
class UnexpectedExceptionMapperTest {
  private final UnexpectedExceptionMapper mapper = new UnexpectedExceptionMapper();

  @Test
  void aDatabaseOutageTellsTheClientToRetryWithTheSameKeyAndPromisesNothing() {
    assertHonest(mapper.toResponse(new ConnectionException(new SQLException("connection refused", "08001"))));
  }

  @Test
  void aTemporalTimeoutTellsTheClientToRetryAndPromisesNothing() {
    assertHonest(mapper.toResponse(Status.DEADLINE_EXCEEDED.asRuntimeException()));
  }

  private static void assertHonest(Response response) {
    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
    String message = ((ErrorResponse) response.getEntity()).error().message();
    assertThat(message).doesNotContainIgnoringCase("nothing was changed");
    assertThat(message).contains("may or may not have taken effect", "same Idempotency-Key");
  }
}
