package io.durapay.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.api.testing.Operator;
import io.durapay.apiclient.ApiClient;
import io.durapay.store.MerchantDao;
import io.durapay.store.OperatorAction;
import io.durapay.store.OperatorDao;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedelivery;
import io.durapay.store.WebhookRedeliveryDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A merchant whose endpoint answered 410 Gone turns webhooks back on, over the API or through an
 * operator, and gets every event that never arrived queued to be sent again under its own id;
 * nothing of another merchant's, nothing delivered, nothing older than 30 days, nothing twice.
 */
class WebhookEndpointIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.of();

  private static ApiClient api;
  private static ApiClient admin;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    admin = new ApiClient(API.app().getAdminPort());
  }

  @Test
  void aMerchantTurnsItsWebhooksBackOnAndGetsWhatNeverArrivedOnceUnderTheOriginalIds() {
    NewMerchantCredentials merchant = merchant("Gone Gadgets");
    NewMerchantCredentials other = merchant("Other Outfit");
    String gone = event(merchant, 1, "gone");
    String skipped = event(merchant, 1, "skipped");
    String deliveredLate = event(merchant, 1, "retrying");
    delivery(merchant, deliveredLate, 2, "delivered");
    String rejected = event(merchant, 1, "rejected");
    String old = event(merchant, 1, "undeliverable");
    API.postgres().jdbi().useHandle(h -> h.execute(
        "UPDATE webhook_deliveries SET attempted_at = now() - interval '31 days' WHERE event_id = ?", old));
    String othersEvent = event(other, 1, "undeliverable");
    API.postgres().jdbi().onDemand(MerchantDao.class).disableWebhooks(merchant.merchantId());

    Reply before = api.request("GET", "/v1/webhook_endpoint").bearer(merchant.apiKey()).send();
    Reply enabled = api.request("POST", "/v1/webhook_endpoint/enable").bearer(merchant.apiKey()).send();
    Reply again = api.request("POST", "/v1/webhook_endpoint/enable").bearer(merchant.apiKey()).send();
    Reply after = api.request("GET", "/v1/webhook_endpoint").bearer(merchant.apiKey()).send();

    assertThat(before.status()).as(before.body()).isEqualTo(200);
    assertThat(before.json().get("enabled").asBoolean()).isFalse();
    assertThat(before.json().get("disabledAt").asText()).isNotBlank();
    assertThat(before.json().get("url").asText()).isEqualTo("https://gone-gadgets.example/hooks");
    assertThat(before.body()).doesNotContain("whsec_");
    assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
    assertThat(enabled.json().get("enabled").asBoolean()).isTrue();
    assertThat(enabled.json().get("resent").asInt()).isEqualTo(3);
    assertThat(again.json().get("resent").asInt()).as("each is on its way already").isZero();
    assertThat(after.json().get("enabled").asBoolean()).isTrue();
    assertThat(after.json().get("disabledAt").isNull()).isTrue();
    assertThat(after.json().get("resent").isNull()).isTrue();
    List<WebhookRedelivery> queued = open();
    assertThat(queued).extracting(WebhookRedelivery::eventId, WebhookRedelivery::requestedBy)
        .contains(tuple(gone, "merchant"), tuple(skipped, "merchant"), tuple(rejected, "merchant"));
    assertThat(queued).extracting(WebhookRedelivery::eventId).doesNotContain(deliveredLate, old, othersEvent);
  }

  @Test
  void anOperatorTurnsThemOnByTaskAndTheRequestsAreTheirs() {
    NewMerchantCredentials merchant = merchant("Task Traders");
    String gone = event(merchant, 1, "gone");
    API.postgres().jdbi().onDemand(MerchantDao.class).disableWebhooks(merchant.merchantId());

    Reply reply = admin.request("POST", "/tasks/enable-webhooks?merchantId=" + merchant.merchantId()).header("Authorization", Operator.basic()).send();
    Reply unknown = admin.request("POST", "/tasks/enable-webhooks?merchantId=mer_nobody").header("Authorization", Operator.basic()).send();

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.body()).contains("webhooks enabled for " + merchant.merchantId(),
        "1 undelivered event(s) of the last 30 days queued to be sent again");
    assertThat(API.postgres().jdbi().onDemand(MerchantDao.class).findById(merchant.merchantId()).orElseThrow()
        .webhookDisabledAt()).isNull();
    assertThat(open()).filteredOn(r -> r.eventId().equals(gone)).extracting(WebhookRedelivery::requestedBy)
        .containsExactly(Operator.NAME);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("no merchant mer_nobody: nothing changed");
    // A task's audit is written as its answer completes: the client may read the answer first.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(API.postgres().jdbi().onDemand(OperatorDao.class).latestActions(2)).extracting(OperatorAction::action)
            .containsOnly("task enable-webhooks"));
  }

  @Test
  void aMerchantRotatesItsSecretTheOldSigningBesideTheNewForADayAndAskingAgainAnswersTheSame() {
    NewMerchantCredentials merchant = merchant("Rotating Rugs");
    MerchantDao merchants = API.postgres().jdbi().onDemand(MerchantDao.class);
    Instant before = Instant.now();

    Reply rotated = api.request("POST", "/v1/webhook_endpoint/rotate_secret").bearer(merchant.apiKey()).send();
    Reply again = api.request("POST", "/v1/webhook_endpoint/rotate_secret").bearer(merchant.apiKey()).send();
    Reply endpoint = api.request("GET", "/v1/webhook_endpoint").bearer(merchant.apiKey()).send();

    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    String secret = rotated.json().get("secret").asText();
    Instant until = Instant.parse(rotated.json().get("previousSecretSignsUntil").asText());
    assertThat(secret).startsWith("whsec_").isNotEqualTo(merchant.webhookSecret());
    assertThat(until).isBetween(before.plus(Duration.ofHours(24)), Instant.now().plus(Duration.ofHours(24)));
    assertThat(again.json().get("secret").asText()).as("the same rotation, not a second").isEqualTo(secret);
    assertThat(again.json().get("previousSecretSignsUntil").asText()).isEqualTo(rotated.json().get("previousSecretSignsUntil").asText());
    assertThat(Instant.parse(endpoint.json().get("previousSecretSignsUntil").asText())).isEqualTo(until);
    assertThat(endpoint.body()).doesNotContain("whsec_");
    assertThat(merchants.findById(merchant.merchantId()).orElseThrow().webhookSecret()).isEqualTo(secret);
    assertThat(merchants.previousWebhookSecret(merchant.merchantId(), Instant.now())).contains(merchant.webhookSecret());
    assertThat(merchants.previousWebhookSecret(merchant.merchantId(), until)).as("it stops signing at the end").isEmpty();
  }

  @Test
  void anOldSecretIsClearedFromTheDatabaseOnceItsOverlapHasEnded() {
    NewMerchantCredentials merchant = merchant("Forgetful Forks");
    Reply rotated = api.request("POST", "/v1/webhook_endpoint/rotate_secret").bearer(merchant.apiKey()).send();
    Instant until = Instant.parse(rotated.json().get("previousSecretSignsUntil").asText());
    MerchantDao merchants = API.postgres().jdbi().onDemand(MerchantDao.class);

    new RetiredWebhookSecrets(merchants, Clock.fixed(until.minusSeconds(1), ZoneOffset.UTC)).run();
    assertThat(storedOldSecret(merchant)).as("still signing: kept").isEqualTo(merchant.webhookSecret());

    new RetiredWebhookSecrets(merchants, Clock.fixed(until, ZoneOffset.UTC)).run();
    assertThat(storedOldSecret(merchant)).as("signing no more: not kept at rest").isNull();
    assertThat(merchants.findById(merchant.merchantId()).orElseThrow().webhookSecret())
        .isEqualTo(rotated.json().get("secret").asText());
  }

  private static String storedOldSecret(NewMerchantCredentials merchant) {
    return API.postgres().jdbi().withHandle(h -> h.createQuery(
            "SELECT previous_webhook_secret FROM merchants WHERE id = :id")
        .bind("id", merchant.merchantId()).mapTo(String.class).one());
  }

  @Test
  void anOperatorReplacesALeakedSecretAtOnce() {
    NewMerchantCredentials merchant = merchant("Leaky Lamps");
    MerchantDao merchants = API.postgres().jdbi().onDemand(MerchantDao.class);
    api.request("POST", "/v1/webhook_endpoint/rotate_secret").bearer(merchant.apiKey()).send();

    Reply reply = admin.request("POST", "/tasks/rotate-merchant-credentials?merchantId=" + merchant.merchantId()
        + "&what=webhookSecret&overlap=false").header("Authorization", Operator.basic()).send();

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.body()).doesNotContain("previousWebhookSecretSignsUntil");
    assertThat(merchants.previousWebhookSecret(merchant.merchantId(), Instant.now())).as("no old secret signs").isEmpty();
    assertThat(reply.body()).contains("webhookSecret: " + merchants.findById(merchant.merchantId()).orElseThrow().webhookSecret());
  }

  private static NewMerchantCredentials merchant(String name) {
    String host = name.toLowerCase().replace(' ', '-');
    return API.onboarding().create(name, "https://" + host + ".example/hooks", null);
  }

  /** A new payment event of the merchant's with one delivery attempt that came to {@code outcome}. */
  private static String event(NewMerchantCredentials merchant, int attempt, String outcome) {
    Reply created = api.request("POST", "/v1/payments").bearer(merchant.apiKey())
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":700,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}").send();
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
    API.postgres().jdbi().onDemand(WebhookDeliveryDao.class).record(eventId, created.json().get("id").asText(),
        merchant.merchantId(), "payment.completed", attempt, "https://merchant.example/hooks", 410, outcome, null);
    return eventId;
  }

  private static void delivery(NewMerchantCredentials merchant, String eventId, int attempt, String outcome) {
    String paymentId = API.postgres().jdbi().onDemand(WebhookDeliveryDao.class).forEvent(eventId).get(0).paymentId();
    API.postgres().jdbi().onDemand(WebhookDeliveryDao.class).record(eventId, paymentId, merchant.merchantId(),
        "payment.completed", attempt, "https://merchant.example/hooks", 204, outcome, null);
  }

  private static List<WebhookRedelivery> open() {
    return API.postgres().jdbi().withHandle(h -> h.createQuery(
            "SELECT * FROM webhook_redeliveries WHERE finished_at IS NULL ORDER BY id")
        .map(ConstructorMapper.of(WebhookRedelivery.class)).list());
  }
}
