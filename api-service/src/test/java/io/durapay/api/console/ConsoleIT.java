package io.durapay.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient.Reply;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.api.testing.Operator;
import io.durapay.apiclient.ApiClient;
import io.durapay.store.OperatorAction;
import io.durapay.store.OperatorDao;
import io.durapay.store.ReplayGateRunDao;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedelivery;
import io.durapay.store.WebhookRedeliveryDao;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
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
  static final ApiUnderTest API = ApiUnderTest.of();

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static ApiClient api;
  private static ApiClient admin;
  private static String apiKey;
  private static String merchantId;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    api = API.client();
    admin = new ApiClient(API.app().getAdminPort());
    var merchant = API.onboarding().create("Console Coffee", "https://merchant.example/hooks", null);
    apiKey = merchant.apiKey();
    merchantId = merchant.merchantId();
  }

  private static OperatorDao audit() {
    return API.postgres().jdbi().onDemand(OperatorDao.class);
  }

  private static long merchants() {
    return API.postgres().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM merchants").mapTo(Long.class).one());
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
    return login(Operator.NAME, Operator.PASSWORD);
  }

  private static String login(String name, String password) {
    Reply reply = admin.request("POST", "/console/login")
        .body(("name=" + name + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8))
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

    Reply reply = admin.request("POST", "/tasks/create-merchant?name=Audited%20Shop").header("Authorization", Operator.basic()).send();

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(merchants()).isEqualTo(before + 1);
    // A task's audit is written as its answer completes: the client may read the answer first.
    OperatorAction action = await().atMost(Duration.ofSeconds(10))
        .until(() -> audit().latestActions(1).get(0), a -> a.action().equals("task create-merchant"));
    assertThat(action.operator()).isEqualTo(Operator.NAME);
    assertThat(action.action()).isEqualTo("task create-merchant");
    assertThat(action.target()).isEqualTo("name=Audited%20Shop");
    assertThat(action.outcome()).isEqualTo("200");
  }

  @Test
  void aBrowsersFormCannotRideOnBasicCredentials() {
    long before = merchants();

    Reply reply = admin.request("POST", "/tasks/create-merchant?name=Cross%20Site").header("Authorization", Operator.basic())
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
    String eventId = API.postgres().jdbi().withHandle(h -> h.createQuery(
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
  void anOperatorAddsAnotherWhoLogsInAndRemovingThemLocksThemOut() {
    String carolPassword = "carol's long password";
    String carolHash = OperatorPasswords.hash(carolPassword, 10_000);
    String carolBasic = basic("carol", carolPassword);

    Reply added = admin.request("POST", "/tasks/add-operator?name=carol").header("Authorization", Operator.basic())
        .body(carolHash.getBytes(StandardCharsets.UTF_8), "text/plain").send();
    Reply twice = admin.request("POST", "/tasks/add-operator?name=carol").header("Authorization", Operator.basic())
        .body(OperatorPasswords.hash("another password", 10_000).getBytes(StandardCharsets.UTF_8), "text/plain").send();
    Reply configured = admin.request("POST", "/tasks/add-operator?name=" + Operator.NAME).header("Authorization", Operator.basic())
        .body(carolHash.getBytes(StandardCharsets.UTF_8), "text/plain").send();
    Reply plain = admin.request("POST", "/tasks/add-operator?name=dave").header("Authorization", Operator.basic())
        .body("dave's plain password".getBytes(StandardCharsets.UTF_8), "text/plain").send();

    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(added.body()).contains("added operator carol");
    assertThat(twice.status()).isEqualTo(400);
    assertThat(twice.body()).contains("an operator named carol exists already: nothing changed");
    assertThat(configured.status()).isEqualTo(400);
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.body()).contains("a password hash must read").doesNotContain("dave's plain password");
    assertThat(admin.request("POST", "/tasks/reconcile-payments").header("Authorization", basic("carol", "another password"))
        .send().status()).as("the refused second add changed nothing").isEqualTo(401);
    String session = login("carol", carolPassword);
    assertThat(page(session, "/console/payments").body()).contains("<span id=\"operator\">carol</span>");
    Reply byCarol = admin.request("POST", "/tasks/reconcile-payments").header("Authorization", carolBasic).send();
    assertThat(byCarol.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> audit().latestActions(1).get(0).operator(), "carol"::equals);
    assertThat(audit().latestActions(1000)).extracting(OperatorAction::target)
        .as("the hash is in the body, never in what the audit keeps").noneMatch(t -> t != null && t.contains("pbkdf2"));

    Reply removed = admin.request("POST", "/tasks/remove-operator?name=carol").header("Authorization", Operator.basic()).send();
    Reply removeConfigured = admin.request("POST", "/tasks/remove-operator?name=" + Operator.NAME).header("Authorization", Operator.basic()).send();

    assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    assertThat(removed.body()).contains("removed operator carol (1 console session(s) ended)");
    assertThat(removeConfigured.status()).isEqualTo(400);
    assertThat(removeConfigured.body()).contains("configured (console.operators)");
    assertThat(page(session, "/console/payments").status()).as("carol's session ended").isEqualTo(302);
    OperatorSessions.Started raced = new OperatorSessions(audit(), Clock.systemUTC(), Duration.ofHours(1))
        .start("carol");
    assertThat(page(OperatorAuthFilter.COOKIE + "=" + raced.token(), "/console/payments").status())
        .as("a session a login racing the removal made lets no one in").isEqualTo(302);
    assertThat(admin.request("POST", "/tasks/reconcile-payments").header("Authorization", carolBasic).send().status())
        .isEqualTo(401);
    String addedAndRemovedBy = API.postgres().jdbi().withHandle(h -> h.createQuery(
        "SELECT added_by || ' ' || removed_by FROM operator_accounts WHERE name = 'carol'").mapTo(String.class).one());
    assertThat(addedAndRemovedBy).isEqualTo(Operator.NAME + " " + Operator.NAME);
  }

  @Test
  void aWebhookIsRedeliveredUnderItsOwnIdOnceWhileOnTheWayItsWaitingRetryBroughtForwardAndAudited() {
    String paymentId = createPayment(700);
    String eventId = "evt_console_" + paymentId;
    API.postgres().jdbi().onDemand(WebhookDeliveryDao.class).record(eventId, paymentId, merchantId, "payment.completed",
        8, "https://merchant.example/hooks", 503, "undeliverable", "HTTP 503");
    String cookie = login();
    Reply story = page(cookie, "/console/payments/" + paymentId);
    assertThat(story.body()).contains("action=\"/console/webhooks/" + eventId + "/redeliver\"");

    Reply first = form(cookie, "/console/webhooks/" + eventId + "/redeliver", "csrf=" + csrfOf(story));
    Reply again = form(cookie, "/console/webhooks/" + eventId + "/redeliver", "csrf=" + csrfOf(story));
    Reply unknown = form(cookie, "/console/webhooks/evt_never_sent/redeliver", "csrf=" + csrfOf(story));

    assertThat(first.header("Location")).endsWith("/console/payments/" + paymentId + "?notice=redelivery-queued");
    assertThat(again.header("Location")).endsWith("/console/payments/" + paymentId + "?notice=redelivery-open");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(API.postgres().jdbi().onDemand(WebhookRedeliveryDao.class).forPayment(paymentId))
        .extracting(WebhookRedelivery::eventId, WebhookRedelivery::requestedBy, WebhookRedelivery::finishedAt)
        .containsExactly(tuple(eventId, Operator.NAME, null));
    long forUnknown = API.postgres().jdbi().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM webhook_redeliveries WHERE event_id = 'evt_never_sent'").mapTo(Long.class).one());
    assertThat(forUnknown).isZero();
    // The workers tried it and it failed: its next retry waits two hours. Asked again, it goes now.
    WebhookRedeliveryDao requests = API.postgres().jdbi().onDemand(WebhookRedeliveryDao.class);
    WebhookRedelivery taken = requests.takeDue(10, Instant.now(), Instant.now().plusSeconds(60)).get(0);
    assertThat(requests.retryAt(taken.id(), taken.tries(), Instant.now().plus(Duration.ofHours(2)))).isTrue();
    Reply forward = form(cookie, "/console/webhooks/" + eventId + "/redeliver", "csrf=" + csrfOf(story));
    assertThat(forward.header("Location")).endsWith("?notice=redelivery-forwarded");
    assertThat(requests.forPayment(paymentId).get(0).nextAttemptAt()).isBeforeOrEqualTo(Instant.now());
    // A worker is sending it right now: asked again, nothing changes (its lease stands).
    List<WebhookRedelivery> held = requests.takeDue(10, Instant.now(), Instant.now().plusSeconds(60));
    assertThat(held).hasSize(1);
    Reply whileSent = form(cookie, "/console/webhooks/" + eventId + "/redeliver", "csrf=" + csrfOf(story));
    assertThat(whileSent.header("Location")).endsWith("?notice=redelivery-open");
    assertThat(requests.forPayment(paymentId).get(0).nextAttemptAt()).isEqualTo(held.get(0).nextAttemptAt());
    assertThat(audit().actionsOn(paymentId)).extracting(OperatorAction::action, OperatorAction::outcome)
        .containsExactly(
            tuple("re-deliver webhook " + eventId, "queued for the workers"),
            tuple("re-deliver webhook " + eventId, "already being sent or due: nothing changed"),
            tuple("re-deliver webhook " + eventId, "its waiting retry brought forward to now"),
            tuple("re-deliver webhook " + eventId, "already being sent or due: nothing changed"));
    Reply after = page(cookie, "/console/payments/" + paymentId + "?notice=redelivery-queued");
    assertThat(after.body()).contains("The webhook is queued for re-delivery", "on the way (tries so far: 2; next at ")
        .doesNotContain("/console/webhooks/" + eventId + "/redeliver");
  }

  @Test
  void theRolloutsPageShowsEachBuildsLastReplayGateResult() {
    ReplayGateRunDao runs = API.postgres().jdbi().onDemand(ReplayGateRunDao.class);
    runs.record("v1", 3, 0, true, "the histories in v1");
    runs.record("v2", 5, 2, false, "visibility: WorkflowType='PaymentWorkflow'");
    runs.record("v2", 7, 0, true, "the payments of the last 24h");

    String body = page(login(), "/console/rollouts").body();
    Matcher table = Pattern.compile("(?s)<table id=\"gate-runs\">.*?</table>").matcher(body);

    assertThat(table.find()).as(body).isTrue();
    String gateRuns = table.group().replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ");
    assertThat(gateRuns).contains("v1 passed 3 0 the histories in v1", "v2 passed 7 0 the payments of the last 24h")
        .doesNotContain("refused");
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
