package io.durapay.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.apiclient.ApiClient;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedeliveryDao;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/events} over real HTTP on real PostgreSQL: a merchant's own events of the last 30
 * days, newest first, each with how its delivery stands, filtered and paged.
 */
class EventsIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of();

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static ApiClient api;
  private static NewMerchantCredentials merchant;
  private static NewMerchantCredentials other;
  private static String delivered;
  private static String pending;
  private static String failed;
  private static String notSent;
  private static String tooOld;
  private static String othersEvent;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    merchant = API.onboarding().create("Evented Eats", "https://evented.example/hooks", null);
    other = API.onboarding().create("Other Oats", "https://other.example/hooks", null);
    // Oldest first; each attempt at a time of the test's choosing.
    tooOld = event(merchant, "payment.completed", NOW.minus(40, ChronoUnit.DAYS), "undeliverable");
    delivered = event(merchant, "payment.completed", NOW.minus(3, ChronoUnit.HOURS), "retrying", "delivered");
    pending = event(merchant, "payment.failed", NOW.minus(2, ChronoUnit.HOURS), "retrying", "deferred");
    String paymentId = API.postgres().jdbi().onDemand(WebhookDeliveryDao.class).forEvent(pending).get(0).paymentId();
    API.postgres().jdbi().onDemand(WebhookRedeliveryDao.class).schedule(pending, paymentId, "payment.failed", NOW.plusSeconds(1800));
    failed = event(merchant, "payment.completed", NOW.minus(1, ChronoUnit.HOURS), "undeliverable");
    notSent = event(merchant, "payment.cancelled", NOW.minus(30, ChronoUnit.MINUTES), "skipped");
    othersEvent = event(other, "payment.completed", NOW.minus(10, ChronoUnit.MINUTES), "delivered");
  }

  @Test
  void aMerchantSeesItsOwnRecentEventsNewestFirstWithHowEachDeliveryStands() {
    Reply reply = events("");

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode data = reply.json().get("data");
    assertThat(ids(data)).containsExactly(notSent, failed, pending, delivered);
    assertThat(reply.json().get("hasMore").asBoolean()).isFalse();
    assertThat(data).extracting(e -> e.at("/delivery/status").asText())
        .containsExactly("not_sent", "failed", "pending", "delivered");
    JsonNode first = data.get(3);
    assertThat(first.get("type").asText()).isEqualTo("payment.completed");
    assertThat(first.at("/delivery/attempts").asInt()).isEqualTo(2);
    assertThat(Instant.parse(first.get("createdAt").asText())).as("its first attempt")
        .isEqualTo(NOW.minus(3, ChronoUnit.HOURS));
    assertThat(first.at("/delivery/lastStatusCode").asInt()).isEqualTo(204);
    assertThat(reply.body()).doesNotContain(othersEvent, tooOld);
  }

  @Test
  void eventsAreFilteredByTypeAndTimeAndPaged() {
    assertThat(ids(events("?type=payment.failed").json().get("data"))).containsExactly(pending);
    assertThat(ids(events("?createdGte=" + NOW.minus(90, ChronoUnit.MINUTES) + "&createdLt="
        + NOW.minus(45, ChronoUnit.MINUTES)).json().get("data"))).containsExactly(failed);
    assertThat(ids(events("?createdGte=2000-01-01T00:00:00Z").json().get("data")))
        .as("never older than 30 days").doesNotContain(tooOld);

    List<String> paged = new ArrayList<>();
    Reply page = events("?limit=3");
    paged.addAll(ids(page.json().get("data")));
    assertThat(page.json().get("hasMore").asBoolean()).isTrue();
    page = events("?limit=3&startingAfter=" + paged.get(2));
    paged.addAll(ids(page.json().get("data")));
    assertThat(page.json().get("hasMore").asBoolean()).isFalse();
    assertThat(paged).containsExactly(notSent, failed, pending, delivered);
  }

  @Test
  void aBadFilterOrAnotherMerchantsCursorIsRefusedByName() {
    Reply type = events("?type=payment.initiated");
    Reply time = events("?createdLt=yesterday");
    Reply limit = events("?limit=101");
    Reply cursor = events("?startingAfter=" + othersEvent);

    assertThat(type.status()).isEqualTo(400);
    assertThat(type.error("code")).isEqualTo("invalid_type");
    assertThat(time.status()).isEqualTo(400);
    assertThat(time.error("param")).isEqualTo("createdLt");
    assertThat(limit.error("code")).isEqualTo("invalid_limit");
    assertThat(cursor.status()).as("another merchant's event is not there").isEqualTo(404);
    assertThat(cursor.body()).doesNotContain(othersEvent);
  }

  private static Reply events(String query) {
    return api.request("GET", "/v1/events" + query).bearer(merchant.apiKey()).send();
  }

  private static List<String> ids(JsonNode data) {
    List<String> ids = new ArrayList<>();
    data.forEach(event -> ids.add(event.get("id").asText()));
    return ids;
  }

  /** A payment of the merchant's and one event of it, its attempts a minute apart from {@code at}. */
  private static String event(NewMerchantCredentials owner, String type, Instant at, String... outcomes) {
    Reply created = api.request("POST", "/v1/payments").bearer(owner.apiKey())
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":700,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}").send();
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String paymentId = created.json().get("id").asText();
    String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
    for (int i = 0; i < outcomes.length; i++) {
      Integer status = switch (outcomes[i]) {
        case "delivered" -> Integer.valueOf(204);
        case "skipped" -> null;
        default -> Integer.valueOf(503);
      };
      API.postgres().jdbi().onDemand(WebhookDeliveryDao.class).record(eventId, paymentId, owner.merchantId(), type, i + 1,
          "https://merchant.example/hooks", status, outcomes[i], null);
    }
    API.postgres().jdbi().useHandle(h -> h.execute(
        "UPDATE webhook_deliveries SET attempted_at = ?::timestamptz + (attempt - 1) * interval '1 minute' WHERE event_id = ?",
        at.toString(), eventId));
    return eventId;
  }
}
