package io.durapay.api.errors;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Writes an {@link ApiException} as its status and the common error body. */
public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
  @Override
  public Response toResponse(ApiException e) {
    Response.ResponseBuilder response =
        Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(e.toResponse());
    if (e.status() == 401) {
      response.header("WWW-Authenticate", "Bearer realm=\"durapay\"");
    }
    return response.build();
  }
}
