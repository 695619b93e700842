package io.durapay.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the application (an ambiguous or
 * malformed URI, headers too large), in the same JSON shape as every other error instead of an
 * HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper MAPPER = HtmlSafeJson.configure(new ObjectMapper());
  private final RouteMethods routes;

  public JsonErrorHandler(RouteMethods routes) {
    this.routes = routes;
    setDefaultResponseMimeType("application/json");
  }

  /**
   * Every method gets the body: Jetty writes one only for GET, POST and HEAD by default, so a
   * PUT with an ambiguous URI got a bare 400.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /**
   * Whatever the client accepts, the error is written as JSON. A 405 of Jetty's own (a method the
   * server refuses on every route) names the route's methods in {@code Allow}, as Jersey's do.
   */
  @Override
  protected boolean generateAcceptableResponse(
      Request request,
      Response response,
      Callback callback,
      String contentType,
      List<Charset> charsets,
      int code,
      String message,
      Throwable cause)
      throws IOException {
    if (code == 405 && !response.getHeaders().contains(HttpHeader.ALLOW)) {
      routes.allowFor(request.getHttpURI().getPath())
          .ifPresent(allow -> response.getHeaders().put(HttpHeader.ALLOW, allow));
    }
    return super.generateAcceptableResponse(
        request, response, callback, "application/json", List.of(StandardCharsets.UTF_8), code,
        message, cause);
  }

  @Override
  protected void writeErrorJson(
      Request request, PrintWriter writer, int code, String message, Throwable cause) {
    writer.write(new String(body(code, message), StandardCharsets.UTF_8));
  }

  /** Requests so malformed that Jetty refuses them while parsing (an ambiguous URI, say). */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int code, String message) {
    ErrorResponse body =
        ErrorResponse.of(
            ErrorType.forStatus(code),
            code >= 500 ? "internal_error" : "bad_request",
            code >= 500 || message == null
                ? "The request could not be processed (HTTP " + code + ")."
                : message + ".",
            null);
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
