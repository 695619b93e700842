package io.durapay.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.durapay.api.DurapayConfiguration;
import io.durapay.api.testing.ApiClient;
import io.durapay.api.testing.ApiClient.Reply;
import io.durapay.api.testing.Operator;
import io.durapay.api.testing.TestApp;
import io.durapay.store.OperatorAction;
import io.durapay.store.OperatorDao;
import io.durapay.store.testing.PostgresExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin side locked to operators, and the console's pages over real HTTP on real PostgreSQL:
 * who gets in, what a refused request leaves behind (nothing), CSRF, the audit, and search.
 * (The console in a real browser, on the whole stack, is devstack's ConsoleBrowserIT.)
 */
class ConsoleIT {
  @RegisterExtension
  @Order(0)
  static final WireMockExtension SNS = TestApp.sns();

  @RegisterExtension
  @Order(1)
  static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<DurapayConfiguration> APP = TestApp.app(POSTGRES, SNS);

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static ApiClient api;
  private static ApiClient admin;
  private static String apiKey;
  private static String merchantId;

  @BeforeAll
  static void setUp() {
    TestApp.acceptPublishes(SNS);
    api = new ApiClient(APP.getLocalPort());
    admin = new ApiClient(APP.getAdminPort());
    var merchant = TestApp.onboarding(POSTGRES).create("Console Coffee", "https://merchant.example/hooks", null);
    apiKey = merchant.apiKey();
    merchantId = merchant.merchantId();
  }

  private static OperatorDao audit() {
    return POSTGRES.jdbi().onDemand(OperatorDao.class);
  }

  private static long merchants() {
    return POSTGRES.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM merchants").mapTo(Long.class).one());
  }

  private static String createPayment(long amount) {
    Reply created = api.request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":" + amount + ",\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}")
        .send();
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asText();
  }

  /** Logs in through the form; returns the session cookie ("name=value"). */
  private static String login() {
    Reply reply = admin.request("POST", "/console/login")
        .body(("name=" + Operator.NAME + "&password=" + URLEncoder.encode(Operator.PASSWORD, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded")
        .send();
    assertThat(reply.status()).as(reply.body()).isEqualTo(302);
    String cookie = reply.header("Set-Cookie");
    assertThat(cookie).startsWith(OperatorAuthFilter.COOKIE + "=").contains("HttpOnly", "SameSite=Strict", "Max-Age=28800");
    return cookie.substring(0, cookie.indexOf(';'));
  }

  private static Reply page(String cookie, String path) {
    return admin.request("GET", path).header("Cookie", cookie).send();
  }

  private static String csrfOf(Reply page) {
    Matcher matcher = CSRF.matcher(page.body());
    assertThat(matcher.find()).as("a form with a CSRF token in " + page.body()).isTrue();
    return matcher.group(1);
  }

  private static Reply form(String cookie, String path, String body) {
    return admin.request("POST", path).header("Cookie", cookie)
        .body(body.getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded").send();
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "wrong password", "unknown operator", "not basic"})
  void aTaskCallWithoutAnOperatorsCredentialsIs401AndDoesNothing(String credentials) {
    long before = merchants();
    int actionsBefore = audit().latestActions(1000).size();
    var request = admin.request("POST", "/tasks/create-merchant?name=Sneaky%20Shop");
    switch (credentials) {
      case "wrong password" -> request.header("Authorization", basic(Operator.NAME, "guess"));
      case "unknown operator" -> request.header("Authorization", basic("mallory", Operator.PASSWORD));
      case "not basic" -> request.header("Authorization", "Bearer " + apiKey);
      default -> { }
    }

    Reply reply = request.send();

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.header("WWW-Authenticate")).startsWith("Basic");
    assertThat(reply.body()).contains("operator's login is required").doesNotContain("dp_");
    assertThat(merchants()).isEqualTo(before);
    assertThat(audit().latestActions(1000)).hasSize(actionsBefore);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/tasks/gc", "/tasks/log-level?logger=io.durapay&level=TRACE", "/tasks/reconcile-payments",
      "/tasks/requeue-parked-outbox-events", "/tasks/rotate-merchant-credentials"})
  void everyTaskIsLocked(String task) {
    assertThat(admin.request("POST", task).send().status()).isEqualTo(401);
  }

  @Test
  void anOperatorsTaskCallRunsAndIsAudited() {
    long before = merchants();

    Reply reply = admin.request("POST", "/tasks/create-merchant?name=Audited%20Shop").operator().send();

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(merchants()).isEqualTo(before + 1);
    OperatorAction action = audit().latestActions(1).get(0);
    assertThat(action.operator()).isEqualTo(Operator.NAME);
    assertThat(action.action()).isEqualTo("task create-merchant");
    assertThat(action.target()).isEqualTo("name=Audited%20Shop");
    assertThat(action.outcome()).isEqualTo("200");
  }

  @Test
  void aBrowsersFormCannotRideOnBasicCredentials() {
    long before = merchants();

    Reply reply = admin.request("POST", "/tasks/create-merchant?name=Cross%20Site").operator()
        .header("Origin", "https://evil.example").send();

    assertThat(reply.status()).isEqualTo(403);
    assertThat(merchants()).isEqualTo(before);
  }

  @Test
  void healthAndMetricsStayOpenForProbes() {
    assertThat(admin.request("GET", "/healthcheck").send().status()).isNotEqualTo(401);
    Reply metrics = admin.request("GET", "/metrics").send();
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).doesNotContain("test-secret-access-key-never-logged", "pbkdf2");
    createPayment(321);
    Reply prometheus = admin.request("GET", "/prometheus").send();
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(prometheus.body()).contains("# TYPE outbox_pending gauge", "# TYPE payments_created_total counter",
        "# TYPE idempotency_replays_total counter", "jvm_memory_used_bytes{area=\"heap\"")
        .containsPattern("(?m)^payments_created_total [1-9]")
        .doesNotContain("test-secret-access-key-never-logged", "pbkdf2");
  }

  @Test
  void theConsoleSendsTheUnauthenticatedToTheLoginForm() {
    Reply reply = admin.request("GET", "/console/payments").send();

    assertThat(reply.status()).isEqualTo(302);
    assertThat(reply.header("Location")).endsWith("/console/login");
    assertThat(admin.request("GET", "/console/payments").header("Cookie", OperatorAuthFilter.COOKIE + "=forged").send()
        .status()).isEqualTo(302);
  }

  @Test
  void aWrongPasswordIsRefusedAndAudited() {
    Reply reply = admin.request("POST", "/console/login")
        .body("name=test-operator&password=letmein".getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded")
        .send();

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).contains("Wrong operator name or password.");
    assertThat(reply.header("Set-Cookie")).isNull();
    OperatorAction action = audit().latestActions(1).get(0);
    assertThat(action.action()).isEqualTo("login");
    assertThat(action.outcome()).isEqualTo("refused");
  }

  @Test
  void anOperatorFindsAPaymentMadeThroughTheApi() {
    String small = createPayment(1234);
    String large = createPayment(987_654);
    String cookie = login();

    Reply all = page(cookie, "/console/payments?merchant=" + merchantId);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.body()).contains(small, large);
    assertThat(all.body().indexOf(large)).as("newest first").isLessThan(all.body().indexOf(small));

    Reply byAmount = page(cookie, "/console/payments?merchant=" + merchantId + "&min=100000");
    assertThat(byAmount.body()).contains(large).doesNotContain(small);

    Reply byStatus = page(cookie, "/console/payments?id=" + small + "&status=completed");
    assertThat(byStatus.body()).contains("No payment matches.").doesNotContain("/console/payments/" + small);

    Reply story = page(cookie, "/console/payments/" + small);
    assertThat(story.status()).isEqualTo(200);
    assertThat(story.body()).contains(small, "1234 EUR", "pm_card_visa", "payment created", "payment.initiated")
        .contains("Cancel this payment")
        .doesNotContain(apiKey.substring(apiKey.indexOf('.') + 1));
  }

  @Test
  void badSearchInputIsNamedAndNothingIsEchoedUnescaped() {
    String cookie = login();

    Reply reply = page(cookie, "/console/payments?min=ten&status=lost&id=%3Cscript%3Ealert(1)%3C%2Fscript%3E&from=yesterday");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("min must be a whole number of minor units", "status must be one of",
        "from must be a date");
    assertThat(reply.body()).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)");
  }

  @Test
  void anActionWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing() {
    String cookie = login();
    int actionsBefore = audit().latestActions(1000).size();

    Reply missing = form(cookie, "/console/reconcile", "");
    Reply wrong = form(cookie, "/console/reconcile", "csrf=" + "x".repeat(43));

    assertThat(missing.status()).isEqualTo(403);
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(audit().latestActions(1000)).hasSize(actionsBefore);
  }

  @Test
  void aRequeueIsAuditedAndHarmlessTwice() {
    String paymentId = createPayment(500);
    String cookie = login();
    String csrf = csrfOf(page(cookie, "/console/health"));
    String eventId = POSTGRES.jdbi().withHandle(h -> h.createQuery(
        "SELECT event_id FROM outbox WHERE aggregate_id = :id").bind("id", paymentId).mapTo(String.class).one());

    Reply first = form(cookie, "/console/outbox/" + eventId + "/requeue", "csrf=" + csrf);
    Reply again = form(cookie, "/console/outbox/" + eventId + "/requeue", "csrf=" + csrf);

    assertThat(first.status()).isEqualTo(302);
    assertThat(again.header("Location")).endsWith("/console/payments/" + paymentId + "?notice=not-parked");
    List<OperatorAction> actions = audit().actionsOn(paymentId);
    assertThat(actions).extracting(OperatorAction::operator).containsOnly(Operator.NAME);
    assertThat(actions).extracting(OperatorAction::outcome).containsExactly("not parked: nothing changed",
        "not parked: nothing changed");
    Reply story = page(cookie, "/console/payments/" + paymentId + "?notice=not-parked");
    assertThat(story.body()).contains("That event is not parked", "requeue outbox event " + eventId);
  }

  @Test
  void withoutADeadLetterQueueConfiguredTheConsoleSaysWhereToLookAndRedrivesNothing() {
    String cookie = login();
    Reply health = page(cookie, "/console/health");
    assertThat(health.body()).contains("not configured here (console.deadLetters)").doesNotContain("id=\"redrive\"");
    int actionsBefore = audit().latestActions(1000).size();

    Reply redrive = form(cookie, "/console/dead-letters/redrive", "csrf=" + csrfOf(health));

    assertThat(redrive.header("Location")).endsWith("/console/health?notice=no-dead-letters");
    assertThat(audit().latestActions(1000)).hasSize(actionsBefore);
  }

  @Test
  void loggingOutEndsTheSession() {
    String cookie = login();
    String csrf = csrfOf(page(cookie, "/console/payments"));

    Reply out = form(cookie, "/console/logout", "csrf=" + csrf);

    assertThat(out.status()).isEqualTo(302);
    assertThat(page(cookie, "/console/payments").status()).isEqualTo(302);
  }

  private static String basic(String name, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
