package io.durapay.api.console;

import com.codahale.metrics.CachedGauge;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.Duration;
import io.durapay.api.reconciler.Reconciler;
import io.durapay.api.workflows.PaymentWorkflows;
import io.durapay.api.workflows.Timelines;
import io.durapay.store.OperatorDao;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.servlet.DispatcherType;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console and the lock on the admin side: who may log in, for how long, and where the
 * Temporal Web UI is for the console's links. With no operator configured, the console and every
 * {@code /tasks/*} refuse everyone.
 */
public class ConsoleFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleFactory.class);

  /** Named accounts; make a password's hash with {@code java -jar api-service.jar hash-operator-password}. */
  @Valid @NotNull private List<Operators.Account> operators = new ArrayList<>();

  /** How long a console login lasts. */
  @NotNull private Duration sessionTtl = Duration.hours(8);

  /** The Temporal Web UI's base URL (the console links each workflow there); none when empty. */
  private String temporalUiUrl = "";

  /** The bridge's dead-letter queue, for the health page and the redrive action; none by default. */
  @Valid @NotNull private DeadLettersFactory deadLetters = new DeadLettersFactory();

  /** The Worker Deployment whose versions the rollouts page shows. */
  @NotNull private String deploymentName = "durapay-payments";

  /** How long the console waits for a workflow's live state before showing the stored part only. */
  @NotNull private Duration liveQueryTimeout = Duration.seconds(2);

  @JsonProperty
  public List<Operators.Account> getOperators() {
    return operators;
  }

  @JsonProperty
  public void setOperators(List<Operators.Account> operators) {
    this.operators = operators == null ? new ArrayList<>() : operators;
  }

  @JsonProperty
  public Duration getSessionTtl() {
    return sessionTtl;
  }

  @JsonProperty
  public void setSessionTtl(Duration sessionTtl) {
    this.sessionTtl = sessionTtl;
  }

  @JsonProperty
  public String getTemporalUiUrl() {
    return temporalUiUrl;
  }

  @JsonProperty
  public void setTemporalUiUrl(String temporalUiUrl) {
    this.temporalUiUrl = temporalUiUrl == null ? "" : temporalUiUrl.replaceAll("/+$", "");
  }

  /**
   * Locks {@code /tasks/*} and serves the console at {@code /console} on the admin port. Health and
   * metrics stay open for probes (they carry no secret).
   */
  public void register(Environment environment, Jdbi jdbi, Clock clock, WorkflowServiceStubs temporal,
      String namespace, String route, PaymentWorkflows workflows, Timelines timelines, Reconciler reconciler) {
    OperatorDao audit = jdbi.onDemand(OperatorDao.class);
    Operators accounts = new Operators(operators, audit::accountHash);
    if (accounts.noneConfigured()) {
      LOG.warn("no operator account is configured (console.operators): only accounts added with the"
          + " add-operator task can log in; with none, the console and every /tasks/* refuse everyone");
    }
    OperatorAccountTasks.register(environment, accounts, audit);
    OperatorSessions sessions = new OperatorSessions(audit, clock, sessionTtl.toJavaDuration());
    environment.admin().addFilter("operator-auth", new OperatorAuthFilter(accounts, sessions, audit))
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*", "/console/*", "/console");
    Optional<DeadLetters> dlq = deadLetters.build();
    dlq.ifPresent(queue -> environment.metrics().gauge("dead-letters.depth", () -> deadLetterDepth(queue)));
    ConsolePages pages = new ConsolePages(jdbi, timelines, temporal, dlq,
        new ConsolePages.Settings(namespace, route, deploymentName, temporalUiUrl), clock);
    ConsoleActions actions = new ConsoleActions(jdbi, workflows, reconciler, dlq);
    environment.admin().addServlet("console", new ConsoleServlet(accounts, sessions, audit, pages, actions))
        .addMapping("/console/*", "/console");
  }

  /**
   * The dead-letter queue's depth for the metrics ({@code dead_letters_depth} in the scrape), asked
   * of SQS at most every 30 s; no sample while SQS does not answer (an alert then sees it absent,
   * never a made-up 0).
   */
  private static CachedGauge<Long> deadLetterDepth(DeadLetters queue) {
    return new CachedGauge<>(30, TimeUnit.SECONDS) {
      @Override
      protected Long loadValue() {
        try {
          return queue.depth();
        } catch (RuntimeException e) {
          LOG.warn("the dead-letter queue's depth is unknown: {}", e.toString());
          return null;
        }
      }
    };
  }

  @JsonProperty
  public DeadLettersFactory getDeadLetters() {
    return deadLetters;
  }

  @JsonProperty
  public void setDeadLetters(DeadLettersFactory deadLetters) {
    this.deadLetters = deadLetters;
  }

  @JsonProperty
  public String getDeploymentName() {
    return deploymentName;
  }

  @JsonProperty
  public void setDeploymentName(String deploymentName) {
    this.deploymentName = deploymentName;
  }

  @JsonProperty
  public Duration getLiveQueryTimeout() {
    return liveQueryTimeout;
  }

  @JsonProperty
  public void setLiveQueryTimeout(Duration liveQueryTimeout) {
    this.liveQueryTimeout = liveQueryTimeout;
  }
}
