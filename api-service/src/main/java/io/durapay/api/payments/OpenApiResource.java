package io.durapay.api.payments;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI 3.1 description of the public API; no key needed to read it. */
@Path("/v1/openapi.yaml")
public class OpenApiResource {
  public static final String RESOURCE = "openapi.yaml";
  private final byte[] document;

  public OpenApiResource() {
    try (InputStream in = OpenApiResource.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GET
  @Produces("application/yaml")
  public byte[] get() {
    return document;
  }
}
