package io.durapay.api.auth;

import io.dropwizard.auth.UnauthorizedHandler;
import io.durapay.api.errors.ErrorResponse;
import io.durapay.api.errors.ErrorType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A missing or wrong API key gets the common error body, not the framework's plain text. */
public final class JsonUnauthorizedHandler implements UnauthorizedHandler {
  @Override
  public Response buildResponse(String prefix, String realm) {
    return Response.status(401)
        .header("WWW-Authenticate", prefix + " realm=\"" + realm + "\"")
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(
            ErrorResponse.of(
                ErrorType.AUTHENTICATION_ERROR,
                "invalid_api_key",
                "Authenticate with 'Authorization: Bearer <your API key>'. The key was missing,"
                    + " malformed or not valid.",
                "Authorization"))
        .build();
  }
}
