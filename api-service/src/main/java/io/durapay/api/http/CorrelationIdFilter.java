package io.durapay.api.http;

import io.durapay.api.errors.ApiException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Takes the caller's {@code X-Correlation-Id} or makes one, puts it in the logging context
 * (MDC key {@code correlationId}) and echoes it on the response. The id is stored with the
 * payment and travels in its events, so one id follows a payment through every service.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class CorrelationIdFilter implements ContainerRequestFilter, ContainerResponseFilter {
  public static final String HEADER = "X-Correlation-Id";
  public static final String MDC_KEY = "correlationId";
  private static final String PROPERTY = "durapay.correlationId";
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  @Override
  public void filter(ContainerRequestContext request) {
    String given = request.getHeaderString(HEADER);
    String id;
    if (given == null || given.isEmpty()) {
      id = UUID.randomUUID().toString();
    } else if (SHAPE.matcher(given).matches()) {
      id = given;
    } else {
      // Set a fresh id first so that even this refusal can be traced.
      request.setProperty(PROPERTY, UUID.randomUUID().toString());
      throw ApiException.invalid(
          "invalid_correlation_id",
          "X-Correlation-Id must be 1 to 100 characters of letters, digits, '.', '_', ':' or '-'.",
          HEADER);
    }
    request.setProperty(PROPERTY, id);
    MDC.put(MDC_KEY, id);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Object id = request.getProperty(PROPERTY);
    if (id != null) {
      response.getHeaders().putSingle(HEADER, id);
    }
    MDC.remove(MDC_KEY);
  }

  /** The correlation id of the request being served. */
  public static String correlationId(ContainerRequestContext request) {
    return (String) request.getProperty(PROPERTY);
  }
}
