package io.durapay.api.errors;

import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.setup.Environment;

/** One JSON error shape ({@link ErrorResponse}) for every error, the framework's own included. */
public final class ErrorMappers {
  private ErrorMappers() {}

  public static void register(Environment environment, ServerFactory serverFactory) {
    if (serverFactory instanceof AbstractServerFactory server) {
      server.setRegisterDefaultExceptionMappers(false);
    }
    RouteMethods routes = new RouteMethods();
    environment.jersey().register(routes);
    JsonErrorHandler jettyErrors = new JsonErrorHandler(routes);
    environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(jettyErrors));
    environment.jersey().register(new ApiExceptionMapper());
    environment.jersey().register(new ConstraintViolationMapper());
    environment.jersey().register(new WebApplicationExceptionMapper());
    environment.jersey().register(new JsonProcessingExceptionMapper());
    environment.jersey().register(new UnexpectedExceptionMapper());
  }
}
