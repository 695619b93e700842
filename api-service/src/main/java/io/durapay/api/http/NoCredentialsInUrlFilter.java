package io.durapay.api.http;

import io.durapay.api.errors.ApiException;
import io.durapay.api.errors.ErrorType;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys are taken from the {@code Authorization} header only. A URL is kept by browsers,
 * proxies and logs, so a request that carries a credential in its query string ({@code
 * ?access_token=}, {@code ?api_key=}, or anything shaped like a durapay key) is refused before
 * it is routed or authenticated: 400 {@code credentials_in_url}, nothing done, and the answer does
 * not repeat the value. The request log never writes query strings (see config.yml's {@code
 * requestLog}), so the key does not reach a log either.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class NoCredentialsInUrlFilter implements ContainerRequestFilter {
  private static final Set<String> CREDENTIAL_NAMES =
      Set.of("access_token", "api_key", "apikey", "key", "token", "authorization", "bearer");
  private static final Pattern KEY_SHAPED = Pattern.compile("dp_[0-9a-f]{16}\\.");

  @Override
  public void filter(ContainerRequestContext request) {
    for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters().entrySet()) {
      boolean named = CREDENTIAL_NAMES.contains(parameter.getKey().toLowerCase(Locale.ROOT));
      boolean shaped = parameter.getValue().stream().anyMatch(v -> KEY_SHAPED.matcher(v).find());
      if (named || shaped) {
        throw new ApiException(400, ErrorType.INVALID_REQUEST_ERROR, "credentials_in_url",
            "API keys are accepted only in the Authorization header (Authorization: Bearer <key>), never in"
                + " the URL; this request was not processed. A key that was sent in a URL may have been"
                + " recorded on the way: rotate it.",
            named ? parameter.getKey() : null);
      }
    }
  }
}
