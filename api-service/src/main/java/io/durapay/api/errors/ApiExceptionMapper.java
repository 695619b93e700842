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
    if (e.status() == 413) {
      // The rest of the body is never read, so the connection cannot carry another request: say
      // so, or a client that pools connections sends its next request into a closed one.
      response.header("Connection", "close");
    }
    return response.build();
  }
}
