package io.durapay.api.errors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * Which methods each of the application's routes accepts, read from Jersey's resource model once
 * it is built. A 405 must name them in {@code Allow} (RFC 9110); Jersey does so for the 405s it
 * answers, but a method the server refuses everywhere (TRACE, say) is answered by Jetty before
 * Jersey sees it, and {@link JsonErrorHandler} asks here.
 */
public final class RouteMethods implements ApplicationEventListener {
  private record Route(Pattern path, String allow) {}

  private volatile List<Route> routes = List.of();

  @Override
  public void onEvent(ApplicationEvent event) {
    if (event.getType() == ApplicationEvent.Type.INITIALIZATION_FINISHED) {
      List<Route> read = new ArrayList<>();
      event.getResourceModel().getRootResources().forEach(root -> collect(root, "", read));
      routes = List.copyOf(read);
    }
  }

  @Override
  public RequestEventListener onRequest(RequestEvent requestEvent) {
    return null;
  }

  /** The value of {@code Allow} for a request path, if it is one of the application's routes. */
  public Optional<String> allowFor(String path) {
    for (Route route : routes) {
      if (route.path().matcher(path).matches()) {
        return Optional.of(route.allow());
      }
    }
    return Optional.empty();
  }

  private static void collect(Resource resource, String parent, List<Route> into) {
    String path = join(parent, resource.getPath());
    TreeSet<String> methods = new TreeSet<>();
    resource.getResourceMethods().stream().map(ResourceMethod::getHttpMethod).forEach(methods::add);
    if (!methods.isEmpty()) {
      into.add(new Route(pattern(path), String.join(",", methods)));
    }
    resource.getChildResources().forEach(child -> collect(child, path, into));
  }

  private static String join(String parent, String path) {
    String joined = (parent + "/" + (path == null ? "" : path)).replaceAll("/+", "/");
    return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
  }

  /** A path template ({@code /v1/payments/{id}}) as a pattern: a variable is one path segment. */
  private static Pattern pattern(String template) {
    return Pattern.compile(Arrays.stream(template.split("\\{[^}]*}", -1))
        .map(Pattern::quote)
        .collect(Collectors.joining("[^/]+")) + "/?");
  }
}
