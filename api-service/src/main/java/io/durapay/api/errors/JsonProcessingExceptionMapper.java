package io.durapay.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A body the framework could not read as JSON: a 400 without echoing the body. */
public final class JsonProcessingExceptionMapper implements ExceptionMapper<JsonProcessingException> {
  @Override
  public Response toResponse(JsonProcessingException e) {
    return Response.status(400)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(
            ErrorResponse.of(
                ErrorType.INVALID_REQUEST_ERROR,
                "invalid_json",
                "The request body is not valid JSON.",
                null))
        .build();
  }
}
