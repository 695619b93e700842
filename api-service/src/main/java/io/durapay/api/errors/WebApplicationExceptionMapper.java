package io.durapay.api.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the framework's own errors — unknown route, wrong method, wrong media type — the same
 * body as ours. The status is kept; only the body changes.
 */
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
  private static final Logger LOG = LoggerFactory.getLogger(WebApplicationExceptionMapper.class);

  @Override
  public Response toResponse(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    ErrorResponse body =
        switch (status) {
          case 404 -> ErrorResponse.of(
              ErrorType.NOT_FOUND_ERROR, "route_not_found", "No such route.", null);
          case 405 -> ErrorResponse.of(
              ErrorType.INVALID_REQUEST_ERROR,
              "method_not_allowed",
              "This route does not accept that HTTP method.",
              null);
          case 406 -> ErrorResponse.of(
              ErrorType.INVALID_REQUEST_ERROR,
              "not_acceptable",
              "This route answers application/json only.",
              "Accept");
          case 415 -> ErrorResponse.of(
              ErrorType.INVALID_REQUEST_ERROR,
              "unsupported_media_type",
              "Send the body as application/json.",
              "Content-Type");
          default -> status >= 500 ? serverError(e) : clientError(status);
        };
    Response.ResponseBuilder response =
        Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    if (status == 405) {
      response.allow(e.getResponse().getAllowedMethods());
    }
    return response.build();
  }

  private static ErrorResponse serverError(WebApplicationException e) {
    LOG.error("request failed", e);
    return ErrorResponse.of(ErrorType.API_ERROR, "internal_error", "Something went wrong on our side.", null);
  }

  private static ErrorResponse clientError(int status) {
    return ErrorResponse.of(
        ErrorType.forStatus(status),
        "invalid_request",
        "The request could not be processed (HTTP " + status + ").",
        null);
  }
}
