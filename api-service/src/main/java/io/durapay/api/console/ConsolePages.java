package io.durapay.api.console;

import io.durapay.api.responses.Timeline;
import io.durapay.api.workflows.Timelines;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.WorkflowIds;
import io.durapay.store.ConsoleDao;
import io.durapay.store.OperatorDao;
import io.durapay.store.OutboxDao;
import io.durapay.store.OutboxEvent;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.ReplayGateRunDao;
import io.durapay.store.WebhookDelivery;
import io.durapay.store.WebhookDeliveryDao;
import io.durapay.store.WebhookRedelivery;
import io.durapay.store.WebhookRedeliveryDao;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each console page shows, read from the database, Temporal and the configuration; a page is a
 * map of what its template names, with {@code template} (and {@code status} when not 200).
 *
 * <p>Long because it builds all four console pages (find, payment, health, rollouts) and parses the
 * search form; they stay in one class because the pages share its seven DAOs, the Temporal stub,
 * the settings and row helpers such as the outbox row that both the payment and the health page
 * show.
 */
public final class ConsolePages {
  static final int PAGE_SIZE = 25;
  private static final Logger LOG = LoggerFactory.getLogger(ConsolePages.class);
  /** Webhook attempts that reached the merchant, or that nothing was there to send to. */
  private static final List<String> WEBHOOK_OK = List.of("delivered", "skipped");

  private final ConsoleDao console;
  private final PaymentDao payments;
  private final WebhookDeliveryDao webhooks;
  private final WebhookRedeliveryDao redeliveries;
  private final OutboxDao outbox;
  private final OperatorDao audit;
  private final ReplayGateRunDao gateRuns;
  private final Timelines timelines;
  private final WorkflowServiceStubs temporal;
  private final Optional<DeadLetters> deadLetters;
  private final Settings settings;
  private final Clock clock;

  /** What the pages need to know of the deployment. */
  public record Settings(String namespace, String route, String deploymentName, String temporalUiUrl) {}

  public ConsolePages(Jdbi jdbi, Timelines timelines, WorkflowServiceStubs temporal,
      Optional<DeadLetters> deadLetters, Settings settings, Clock clock) {
    this.console = jdbi.onDemand(ConsoleDao.class);
    this.payments = jdbi.onDemand(PaymentDao.class);
    this.webhooks = jdbi.onDemand(WebhookDeliveryDao.class);
    this.redeliveries = jdbi.onDemand(WebhookRedeliveryDao.class);
    this.outbox = jdbi.onDemand(OutboxDao.class);
    this.audit = jdbi.onDemand(OperatorDao.class);
    this.gateRuns = jdbi.onDemand(ReplayGateRunDao.class);
    this.timelines = timelines;
    this.temporal = temporal;
    this.deadLetters = deadLetters;
    this.settings = settings;
    this.clock = clock;
  }

  /** Find: payments by id, merchant, status, time range and amount, newest first, a page at a time. */
  public Map<String, Object> search(Map<String, String[]> parameters) {
    Map<String, Object> page = page("payments");
    Map<String, String> form = new LinkedHashMap<>();
    for (String name : List.of("id", "merchant", "status", "from", "to", "min", "max", "before")) {
      String[] values = parameters.get(name);
      form.put(name, values == null || values.length == 0 ? "" : values[0].trim());
    }
    page.put("form", form);
    page.put("statuses", Arrays.stream(PaymentStatus.values())
        .map(s -> Map.of("name", s.wireName(), "selected", s.wireName().equals(form.get("status")))).toList());
    List<String> errors = new ArrayList<>();
    ConsoleDao.PaymentSearch search = new ConsoleDao.PaymentSearch(
        text(form, "id", errors),
        text(form, "merchant", errors),
        status(form.get("status"), errors),
        instant(form, "from", errors),
        instant(form, "to", errors),
        amount(form, "min", errors),
        amount(form, "max", errors),
        text(form, "before", errors),
        PAGE_SIZE);
    if (!errors.isEmpty()) {
      page.put("errors", errors);
      page.put("hasErrors", true);
      page.put("status", 400);
      return page;
    }
    List<Payment> found = console.search(search);
    page.put("payments", found.stream().map(ConsolePages::row).toList());
    page.put("hasPayments", !found.isEmpty());
    page.put("empty", found.isEmpty());
    if (found.size() == PAGE_SIZE) {
      Map<String, String> next = new LinkedHashMap<>(form);
      next.put("before", found.get(found.size() - 1).id());
      page.put("next", "/console/payments?" + query(next));
    }
    return page;
  }

  /** One payment, its whole story; 404 when there is none. */
  public Map<String, Object> payment(String id) {
    Optional<Payment> found = payments.findById(id);
    if (found.isEmpty()) {
      Map<String, Object> missing = page("missing");
      missing.put("status", 404);
      return missing;
    }
    Payment payment = found.get();
    Map<String, Object> page = page("payment");
    page.put("payment", payment);
    page.put("final", payment.status().isFinal());
    page.put("history", payments.history(id));
    Timeline timeline = timelines.of(payment);
    page.put("workflow", timeline.workflow());
    page.put("workflowNote", timeline.workflowError());
    String workflowId = WorkflowIds.forPayment(id);
    page.put("workflowId", workflowId);
    if (!settings.temporalUiUrl().isEmpty()) {
      page.put("temporalUi", settings.temporalUiUrl() + "/namespaces/" + ConsoleServlet.encode(settings.namespace())
          + "/workflows/" + ConsoleServlet.encode(workflowId));
    }
    List<WebhookDelivery> attempts = webhooks.forPayment(id);
    page.put("webhooks", attempts);
    page.put("webhookEvents", webhookEvents(attempts, redeliveries.forPayment(id)));
    page.put("outbox", outbox.findByAggregateId(id).stream().map(ConsolePages::outboxRow).toList());
    page.put("actions", audit.actionsOn(id));
    return page;
  }

  /** The system's health: outbox, stuck money, payments and webhooks over the last hour. */
  public Map<String, Object> health() {
    Map<String, Object> page = page("health");
    Instant hourAgo = clock.instant().minus(Duration.ofHours(1));
    page.put("pending", outbox.countPending());
    page.put("lag", outbox.oldestPendingAge().map(ConsolePages::duration).orElse("none waiting"));
    page.put("parkedCount", outbox.countParked());
    page.put("parked", outbox.listParked(50).stream().map(ConsolePages::outboxRow).toList());
    page.put("refundFailed", payments.countRefundFailed());
    page.put("unsettled", payments.countProcessingIdle(Duration.ofMinutes(10).toMillis()));
    page.put("byStatus", console.paymentsByStatusSince(hourAgo));
    List<ConsoleDao.Count> outcomes = console.webhookOutcomesSince(hourAgo);
    long all = outcomes.stream().mapToLong(ConsoleDao.Count::count).sum();
    long failed = outcomes.stream().filter(c -> !WEBHOOK_OK.contains(c.name())).mapToLong(ConsoleDao.Count::count).sum();
    page.put("webhookOutcomes", outcomes);
    page.put("webhookFailureRate", all == 0 ? "no attempts" : String.format("%.1f %% of %d attempts", 100.0 * failed / all, all));
    page.put("recentActions", audit.latestActions(20));
    if (deadLetters.isPresent()) {
      page.put("deadLettersConfigured", true);
      try {
        page.put("dlqDepth", deadLetters.get().depth());
      } catch (RuntimeException e) {
        page.put("dlqDepth", "unavailable (" + e.getClass().getSimpleName() + ")");
      }
    } else {
      page.put("dlqDepth", "not configured here (console.deadLetters); on AWS, the DLQ's"
          + " ApproximateNumberOfMessagesVisible in CloudWatch");
    }
    return page;
  }

  /** Rollouts: where new payments go, payments in flight per build, the Worker Deployment's versions. */
  public Map<String, Object> rollouts() {
    Map<String, Object> page = page("rollouts");
    page.put("route", settings.route());
    page.put("inFlight", console.inFlightByBuild());
    page.put("gateRuns", gateRuns.lastPerBuild());
    page.put("deploymentName", settings.deploymentName());
    try {
      var info = temporal.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
          .describeWorkerDeployment(DescribeWorkerDeploymentRequest.newBuilder()
              .setNamespace(settings.namespace()).setDeploymentName(settings.deploymentName()).build())
          .getWorkerDeploymentInfo();
      var routing = info.getRoutingConfig();
      String current = routing.getCurrentDeploymentVersion().getBuildId();
      String ramping = routing.getRampingDeploymentVersion().getBuildId();
      page.put("current", current.isEmpty() ? "none (unversioned workers)" : current);
      page.put("ramping", ramping.isEmpty() ? "none"
          : ramping + " (" + routing.getRampingVersionPercentage() + " % of new workflows)");
      page.put("versions", info.getVersionSummariesList().stream()
          .map(v -> Map.of("buildId", v.getDeploymentVersion().getBuildId(),
              "status", v.getStatus().name().replace("WORKER_DEPLOYMENT_VERSION_STATUS_", "").toLowerCase()))
          .toList());
    } catch (RuntimeException e) {
      LOG.debug("no worker deployment {}: {}", settings.deploymentName(), e.toString());
      page.put("noDeployment", "No Worker Deployment named " + settings.deploymentName()
          + " answered: new payments are routed by task queue (" + settings.route() + ").");
    }
    return page;
  }

  /**
   * The payment's webhook events, one row each (the event id is the {@code webhook-id}): its last
   * attempt's outcome and its latest re-delivery, with whether one is still on the way.
   */
  private static List<Map<String, Object>> webhookEvents(List<WebhookDelivery> attempts,
      List<WebhookRedelivery> requested) {
    Map<String, Map<String, Object>> events = new LinkedHashMap<>();
    for (WebhookDelivery attempt : attempts) {
      Map<String, Object> event = events.computeIfAbsent(attempt.eventId(), id -> new HashMap<>());
      event.put("eventId", attempt.eventId());
      event.put("eventType", attempt.eventType());
      event.put("lastOutcome", attempt.outcome());
    }
    for (WebhookRedelivery redelivery : requested) {
      Map<String, Object> event = events.get(redelivery.eventId());
      if (event != null) {
        event.put("redelivery", redelivery.finishedAt() == null
            ? "requested by " + redelivery.requestedBy() + " at " + redelivery.requestedAt()
                + ": on the way (tries so far: " + redelivery.tries() + "; next at " + redelivery.nextAttemptAt() + ")"
            : "requested by " + redelivery.requestedBy() + " at " + redelivery.requestedAt() + ": "
                + redelivery.outcome() + " at " + redelivery.finishedAt());
        event.put("pending", redelivery.finishedAt() == null);
      }
    }
    return List.copyOf(events.values());
  }

  private static Map<String, Object> page(String template) {
    Map<String, Object> page = new HashMap<>();
    page.put("template", template);
    return page;
  }

  private static Map<String, Object> row(Payment p) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", p.id());
    row.put("merchantId", p.merchantId());
    row.put("amount", p.amount());
    row.put("currency", p.currency());
    row.put("status", p.status().wireName());
    row.put("createdAt", p.createdAt());
    row.put("build", p.workerBuild() == null ? "" : p.workerBuild());
    return row;
  }

  private static Map<String, Object> outboxRow(OutboxEvent e) {
    Map<String, Object> row = new HashMap<>();
    row.put("eventId", e.eventId());
    row.put("eventType", e.eventType());
    row.put("paymentId", e.aggregateId());
    row.put("createdAt", e.createdAt());
    row.put("publishedAt", e.publishedAt() == null ? "not yet" : e.publishedAt().toString());
    row.put("attempts", e.attempts());
    row.put("refusals", e.refusals());
    row.put("parked", e.parkedAt() != null);
    row.put("lastError", e.lastError() == null ? "" : e.lastError());
    return row;
  }

  private static String text(Map<String, String> form, String name, List<String> errors) {
    String value = form.get(name);
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 100) {
      errors.add(name + " is longer than 100 characters");
      return null;
    }
    return value;
  }

  private static PaymentStatus status(String value, List<String> errors) {
    if (value.isEmpty()) {
      return null;
    }
    Optional<PaymentStatus> status = Arrays.stream(PaymentStatus.values())
        .filter(s -> s.wireName().equals(value)).findFirst();
    if (status.isEmpty()) {
      errors.add("status must be one of " + Arrays.stream(PaymentStatus.values()).map(PaymentStatus::wireName).toList());
    }
    return status.orElse(null);
  }

  /** A date (2026-12-03, from midnight UTC), a local time (as the browser's form sends it, UTC) or an instant. */
  private static Instant instant(Map<String, String> form, String name, List<String> errors) {
    String value = form.get(name);
    if (value.isEmpty()) {
      return null;
    }
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (value.endsWith("Z")) {
        return Instant.parse(value);
      }
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      errors.add(name + " must be a date (2026-12-03) or a time in UTC (2026-12-03T10:15)");
      return null;
    }
  }

  private static Long amount(Map<String, String> form, String name, List<String> errors) {
    String value = form.get(name);
    if (value.isEmpty()) {
      return null;
    }
    try {
      long amount = Long.parseLong(value);
      if (amount < 0) {
        throw new NumberFormatException();
      }
      return amount;
    } catch (NumberFormatException e) {
      errors.add(name + " must be a whole number of minor units, 0 or more");
      return null;
    }
  }

  private static String query(Map<String, String> values) {
    StringBuilder query = new StringBuilder();
    values.forEach((name, value) -> {
      if (!value.isEmpty()) {
        query.append(query.isEmpty() ? "" : "&").append(name).append('=').append(ConsoleServlet.encode(value));
      }
    });
    return query.toString();
  }

  private static String duration(Duration d) {
    return d.toSeconds() < 120 ? d.toMillis() / 1000.0 + " s" : d.toMinutes() + " min";
  }
}
