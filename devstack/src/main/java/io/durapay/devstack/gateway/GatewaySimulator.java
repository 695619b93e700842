package io.durapay.devstack.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Stripe-compatible payment gateway on loopback that answers by test payment-method token, the
 * way {@code GatewayClient} expects. Idempotency keys, refunds and search behave like Stripe's,
 * and every charge and refund is recorded for tests and the demo to inspect.
 *
 * <p>Cards that answer plainly: {@code pm_card_visa} (and any other {@code pm_card_*} not named
 * here) succeeds; {@code pm_card_chargeDeclined} and {@code pm_card_insufficientFunds} are
 * declined; {@code pm_card_slow} succeeds after {@link Settings#slowDelay} (a retry meanwhile is
 * told the key is in use).
 *
 * <p>Cards whose outcome comes later, by the simulator's clock ({@link Settings#settleDelay}):
 * {@code pm_card_processing} is confirmed {@code processing} and later succeeds (charges); {@code
 * pm_card_processingDeclined} is {@code processing} and later declined; {@code
 * pm_card_authenticationRequired} needs 3-D Secure ({@code requires_action}) and waits for a
 * customer who is not there; {@code pm_card_refundPending} charges, and its refund is {@code
 * pending} before it succeeds; {@code pm_card_refundFail} charges, and its refund is {@code
 * pending} and then {@code failed}: the customer stays charged.
 *
 * <p>Idempotency keys are kept 24 hours by the clock, as Stripe keeps them; a request with an
 * older key is a new request.
 *
 * <p>Fault cards, for the gateway fault matrix. "N" is {@link Settings#flakyFailures}, counted per
 * idempotency key, so the (N+1)th request with the key gets through. In front of the gateway —
 * nothing is charged and nothing is stored under the key:
 *
 * <ul>
 *   <li>{@code pm_card_flaky}: the first N requests get a 500;
 *   <li>{@code pm_card_reset}: the first N requests have their connection reset (TCP RST);
 *   <li>{@code pm_card_rateLimited}: the first N requests get a 429 with {@code Retry-After: 1}.
 * </ul>
 *
 * On the way back — the charge is made at the first request and kept under the key, so a retry
 * replays it, and only the answer is spoiled:
 *
 * <ul>
 *   <li>{@code pm_card_dropped}: the first N answers are lost: the connection closes without one;
 *   <li>{@code pm_card_garbage}: the first N answers are a 200 whose body is cut short (not JSON);
 *   <li>{@code pm_card_timeout}: the first answer arrives after {@link Settings#lateDelay}, longer
 *       than the caller waits; a retry gets the charge at once;
 *   <li>{@code pm_card_lateThenUnavailable}: the first answer arrives after {@link
 *       Settings#lateDelay}, and every later request gets a 503: the charge is made but the caller
 *       can never confirm it, and must find and refund it.
 * </ul>
 *
 * <p>Over 200 lines because this comment lists every test token and fault card, and the Settings
 * record checks eight values behind three shorter constructors; both stay here, while requests are
 * handled in GatewayLedger and GatewayTransformer, so that a test or the demo finds all it can
 * configure in one place.
 */
public final class GatewaySimulator {

  /**
   * How late a late answer is by default: after the devstack worker's 25 s read timeout and after
   * the charge activity's 30 s start-to-close, so the caller has given up whichever comes first.
   */
  public static final Duration DEFAULT_LATE_DELAY = Duration.ofSeconds(35);

  /** Stripe's search "may take up to a minute" to show a change: the simulator takes the minute. */
  public static final Duration DEFAULT_SEARCH_LAG = Duration.ofSeconds(60);

  /** How long an asynchronous intent stays processing, and a pending refund pending, by default. */
  public static final Duration DEFAULT_SETTLE_DELAY = Duration.ofSeconds(5);

  /**
   * How the simulator runs.
   *
   * @param port the port on 127.0.0.1; 0 picks a free one
   * @param secretKey the API key requests must carry as {@code Authorization: Bearer <key>}
   * @param flakyFailures how many requests per idempotency key {@code pm_card_flaky} and the other
   *     counted fault cards spoil (500s, resets, 429s, lost or garbled answers)
   * @param slowDelay how long {@code pm_card_slow} takes to answer
   * @param latency added to every answer
   * @param lateDelay how late the first answer of {@code pm_card_timeout} and {@code
   *     pm_card_lateThenUnavailable} is; longer than the caller's read timeout
   * @param searchLag how long a new or changed intent stays out of search results: Stripe's search
   *     index lags by up to a minute, and says not to rely on it for read-after-write
   * @param settleDelay how long {@code pm_card_processing} and {@code pm_card_processingDeclined}
   *     stay {@code processing}, and the refunds of {@code pm_card_refundPending} and {@code
   *     pm_card_refundFail} {@code pending}, by the simulator's clock
   */
  public record Settings(
      int port,
      String secretKey,
      int flakyFailures,
      Duration slowDelay,
      Duration latency,
      Duration lateDelay,
      Duration searchLag,
      Duration settleDelay) {

    public Settings {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
      }
      if (secretKey == null || secretKey.isBlank()) {
        throw new IllegalArgumentException("the simulator needs a secret key");
      }
      if (flakyFailures < 0) {
        throw new IllegalArgumentException("flakyFailures must not be negative");
      }
      requireNonNegative(slowDelay, "slowDelay");
      requireNonNegative(latency, "latency");
      requireNonNegative(lateDelay, "lateDelay");
      requireNonNegative(searchLag, "searchLag");
      requireNonNegative(settleDelay, "settleDelay");
    }

    /** Asynchronous intents and pending refunds settling after {@link #DEFAULT_SETTLE_DELAY}. */
    public Settings(
        int port, String secretKey, int flakyFailures, Duration slowDelay, Duration latency, Duration lateDelay,
        Duration searchLag) {
      this(port, secretKey, flakyFailures, slowDelay, latency, lateDelay, searchLag, DEFAULT_SETTLE_DELAY);
    }

    /** Search lagging by {@link #DEFAULT_SEARCH_LAG}, as Stripe's does. */
    public Settings(
        int port, String secretKey, int flakyFailures, Duration slowDelay, Duration latency, Duration lateDelay) {
      this(port, secretKey, flakyFailures, slowDelay, latency, lateDelay, DEFAULT_SEARCH_LAG);
    }

    /** Late answers after {@link #DEFAULT_LATE_DELAY}, search lagging by {@link #DEFAULT_SEARCH_LAG}. */
    public Settings(
        int port, String secretKey, int flakyFailures, Duration slowDelay, Duration latency) {
      this(port, secretKey, flakyFailures, slowDelay, latency, DEFAULT_LATE_DELAY);
    }

    /** The same settings with another search lag. */
    public Settings withSearchLag(Duration lag) {
      return new Settings(port, secretKey, flakyFailures, slowDelay, latency, lateDelay, lag, settleDelay);
    }

    /** The same settings with another settle delay. */
    public Settings withSettleDelay(Duration delay) {
      return new Settings(port, secretKey, flakyFailures, slowDelay, latency, lateDelay, searchLag, delay);
    }

    /** A free port, two flaky failures, a three-second slow card and no added latency. */
    public static Settings defaults(String secretKey) {
      return new Settings(0, secretKey, 2, Duration.ofSeconds(3), Duration.ZERO);
    }

    private static void requireNonNegative(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
    }
  }

  /** How long a held charge request waits at most before it goes through anyway. */
  private static final Duration MAX_HOLD = Duration.ofMinutes(2);

  private final GatewayLedger ledger;
  private final ChargeHold hold = new ChargeHold(MAX_HOLD);
  private final GatewayTransformer transformer;
  private final WireMockServer server;
  private Path stateFile;
  private static final com.fasterxml.jackson.databind.ObjectMapper STATE =
      new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules();

  public GatewaySimulator(Settings settings) {
    this(settings, Clock.systemUTC());
  }

  /**
   * A simulator whose sense of time (search lag, idempotency keys) is {@code clock}: tests move a
   * clock instead of waiting. Answer delays (slow and late cards, latency) stay real time.
   */
  public GatewaySimulator(Settings settings, Clock clock) {
    this.ledger = new GatewayLedger(
        settings.flakyFailures(), settings.slowDelay(), settings.lateDelay(), settings.searchLag(),
        settings.settleDelay(), clock);
    this.transformer =
        new GatewayTransformer(ledger, hold, settings.secretKey(), settings.latency(), settings.lateDelay());
    this.server =
        new WireMockServer(
            wireMockConfig()
                .bindAddress("127.0.0.1")
                .port(settings.port())
                // Held charges each keep a thread waiting; leave room for them and for the rest.
                .containerThreads(200)
                .extensions(transformer)
                // The ledger is the record; a journal of every request would only grow.
                .disableRequestJournal()
                .notifier(new Slf4jNotifier(false)));
  }

  public void start() {
    server.start();
    server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(GatewayTransformer.NAME)));
  }

  /**
   * Keeps the gateway's books in {@code file} (JSON): read now if it exists, written at {@link
   * #stop}. A devstack restarted on its data folder then finds the intents it charged, as a real
   * gateway would; without it the simulator forgets them.
   */
  public void persistTo(Path file) throws IOException {
    this.stateFile = file;
    if (Files.exists(file)) {
      ledger.restore(STATE.readValue(file.toFile(), GatewayLedger.Snapshot.class));
    }
  }

  public void stop() {
    hold.releaseAll();
    server.stop();
    if (stateFile != null) {
      try {
        Files.createDirectories(stateFile.toAbsolutePath().getParent());
        STATE.writeValue(stateFile.toFile(), ledger.snapshot());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot keep the gateway's books in " + stateFile, e);
      }
    }
  }

  /**
   * From now on every charge request waits at the door, before anything is charged, until its
   * payment is released ({@link #release}, {@link #releaseAll}) or two minutes pass.
   */
  public void holdCharges() {
    hold.hold();
  }

  /**
   * Scripts the faults of one payment's requests: each request naming the payment (its create,
   * confirms, retrieves, cancel, refunds, searches) plays the next fault of the list; once it is
   * played out, requests go through as usual. The fault-schedule run uses it.
   */
  public void script(String paymentId, List<ScriptedFault> faults) {
    transformer.script(paymentId, faults);
  }

  /** Lets these payments' charge requests through, those waiting and those to come. */
  public void release(Collection<String> paymentIds) {
    hold.release(paymentIds);
  }

  /** Lets every charge request through and stops holding. */
  public void releaseAll() {
    hold.releaseAll();
  }

  /** The payments whose charge request is waiting at the door right now. */
  public Set<String> heldPayments() {
    return hold.waitingPayments();
  }

  /** The API root to configure as the gateway's base URL, for example http://127.0.0.1:40123. */
  public String baseUrl() {
    // Not WireMock's baseUrl(): it says localhost, which may resolve to ::1 first.
    return "http://127.0.0.1:" + server.port();
  }

  /** Every new charge, in order; replays of an idempotency key are not new charges. */
  public List<SimulatedCharge> charges() {
    return ledger.charges();
  }

  /** Every refund made, in order. */
  public List<SimulatedRefund> refunds() {
    return ledger.refunds();
  }

  /** How many authorized create-intent requests named this payment, replays and errors included. */
  public int chargeAttempts(String paymentId) {
    return ledger.chargeAttempts(paymentId);
  }
}
