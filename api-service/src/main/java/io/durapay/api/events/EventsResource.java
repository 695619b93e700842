package io.durapay.api.events;

import io.dropwizard.auth.Auth;
import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.errors.ApiException;
import io.durapay.api.http.PageLimit;
import io.durapay.api.responses.EventList;
import io.durapay.contracts.EventType;
import io.durapay.store.MerchantEvent;
import io.durapay.store.MerchantEventDao;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code GET /v1/events}: the merchant's own webhook events of the last 30 days, newest first, each
 * with how its delivery stands, for a merchant reconciling what its endpoint received.
 */
@Path("/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {
  /** How far back events are listed. */
  public static final Duration RETENTION = Duration.ofDays(30);
  private static final int DEFAULT_LIMIT = 10;
  /** Later than any event; dates past it are read as "no bound". */
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  /** The events a merchant receives (payment.initiated is durapay's own, never sent). */
  private static final Set<EventType> SENT = Set.of(
      EventType.PAYMENT_COMPLETED, EventType.PAYMENT_FAILED, EventType.PAYMENT_CANCELLED);

  private final MerchantEventDao events;
  private final Clock clock;

  public EventsResource(MerchantEventDao events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  @GET
  public EventList list(
      @Auth AuthenticatedMerchant merchant,
      @QueryParam("type") String type,
      @QueryParam("createdGte") String createdGte,
      @QueryParam("createdLt") String createdLt,
      @QueryParam("limit") String limit,
      @QueryParam("startingAfter") String startingAfter) {
    String typeFilter = type == null ? null : parseType(type);
    Instant oldest = clock.instant().minus(RETENTION);
    Instant from = createdGte == null ? oldest : later(parseTime(createdGte, "createdGte"), oldest);
    Instant until = createdLt == null ? null : parseTime(createdLt, "createdLt");
    int pageSize = PageLimit.parse(limit, DEFAULT_LIMIT);
    Instant afterCreatedAt = null;
    if (startingAfter != null) {
      afterCreatedAt = events.createdAt(merchant.id(), startingAfter)
          .orElseThrow(() -> ApiException.notFound("No such event for startingAfter", "startingAfter"));
    }
    if (from.isAfter(LATEST) || (until != null && !until.isAfter(from))) {
      return EventList.of(List.of(), false); // an empty window, and no date PostgreSQL cannot hold
    }
    List<MerchantEvent> page = events.page(merchant.id(), typeFilter, from, until != null && until.isAfter(LATEST)
        ? null : until, afterCreatedAt, startingAfter, pageSize + 1);
    return EventList.of(page.stream().limit(pageSize).toList(), page.size() > pageSize);
  }

  private static String parseType(String type) {
    return EventType.parse(type).filter(SENT::contains).map(EventType::wireName).orElseThrow(() ->
        ApiException.invalid("invalid_type",
            "type must be one of payment.completed, payment.failed, payment.cancelled.", "type"));
  }

  private static Instant parseTime(String value, String param) {
    return Rfc3339.parse(value).orElseThrow(() ->
        ApiException.invalid("invalid_" + param.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT),
            param + " must be an RFC 3339 date-time, such as 2026-12-01T00:00:00Z.", param));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
