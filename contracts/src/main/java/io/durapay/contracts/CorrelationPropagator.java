package io.durapay.contracts;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.context.ContextPropagator;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Carries the payment's correlation id from whoever starts its workflow (the bridge, the API's
 * relay or cancel) through Temporal's headers to the workflow and every activity, where it is put
 * in the logging context (MDC key {@value #MDC_KEY}): one id on every log line of one payment,
 * from the POST to the webhook. Only the correlation id travels, never anything secret.
 *
 * <p>Headers are not part of what a replay compares, so histories recorded before this existed
 * replay unchanged (their workflows simply have no id in their context).
 */
public final class CorrelationPropagator implements ContextPropagator {
  public static final String MDC_KEY = "correlationId";
  private static final DataConverter CONVERTER = DefaultDataConverter.STANDARD_INSTANCE;

  @Override
  public String getName() {
    return "durapay-correlation-id";
  }

  @Override
  public Object getCurrentContext() {
    return MDC.get(MDC_KEY);
  }

  @Override
  public void setCurrentContext(Object context) {
    if (context instanceof String id && !id.isEmpty()) {
      MDC.put(MDC_KEY, id);
    } else {
      MDC.remove(MDC_KEY);
    }
  }

  @Override
  public Map<String, Payload> serializeContext(Object context) {
    return context instanceof String id && !id.isEmpty()
        ? Map.of(MDC_KEY, CONVERTER.toPayload(id).orElseThrow())
        : Map.of();
  }

  @Override
  public Object deserializeContext(Map<String, Payload> header) {
    Payload id = header.get(MDC_KEY);
    return id == null ? null : CONVERTER.fromPayload(id, String.class, String.class);
  }

  /** Runs {@code call} with {@code correlationId} in the logging context, restoring what was there. */
  public static <T> T with(String correlationId, Supplier<T> call) {
    String previous = MDC.get(MDC_KEY);
    if (correlationId == null) {
      MDC.remove(MDC_KEY);
    } else {
      MDC.put(MDC_KEY, correlationId);
    }
    try {
      return call.get();
    } finally {
      if (previous == null) {
        MDC.remove(MDC_KEY);
      } else {
        MDC.put(MDC_KEY, previous);
      }
    }
  }
}
