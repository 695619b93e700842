package io.durapay.devstack;

import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.bridge.EventDecoder;
import io.durapay.bridge.PaymentEventsHandler;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.devstack.gateway.GatewaySimulator;
import io.durapay.devstack.sqs.SqsEventSourceMapping;
import io.durapay.devstack.webhooks.WebhookReceiver;
import io.durapay.rollout.WorkerDeployments;
import io.durapay.store.MerchantDao;
import io.temporal.client.WorkflowClient;
import io.temporal.common.VersioningBehavior;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole of durapay on loopback, in this JVM (Temporal beside it, as the CLI's dev server in a
 * process of its own, or as the SDK's in-memory test server): PostgreSQL, Temporal, ElasticMQ
 * with the processing queue and its dead-letter queue, the SNS emulator, the gateway simulator,
 * the merchant's webhook endpoint, the API, the v1 worker, and the event-source mapping that feeds
 * SQS batches to the real Lambda handler. PostgreSQL, Temporal and the gateway can be the real
 * things instead ({@link StackSettings.External}). Closing it stops everything in reverse order.
 *
 * <p>The parts are classes of their own ({@link LocalDatabase}, {@link LocalTemporal}, {@link
 * LocalAws}, {@link Workers}, {@link ApiProcess}, {@link StackDescription}). Long because this class
 * holds the order they start in and the one surface the CLI, the control server, the demos and the
 * tests drive: most of its methods hand a call to a part.
 */
public final class Stack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Stack.class);
  static final String GATEWAY_KEY = "sk_test_devstack";

  private final Deque<AutoCloseable> closers = new ArrayDeque<>();

  private Path data;
  private StackDescription description;
  private LocalDatabase database;
  private LocalTemporal temporal;
  private LocalAws aws;
  private GatewaySimulator gateway;
  private WebhookReceiver webhooks;
  private DemoMerchants.Credentials demoMerchant;
  private ConsoleOperator operator;
  private DemoMerchants.Credentials downMerchant;
  private SqsEventSourceMapping eventSourceMapping;
  private Workers workers;
  private ApiProcess api;
  private String route;

  private Stack() {}

  public static Stack start(StackSettings settings) throws Exception {
    return start(settings, GatewayTiming.DEFAULT);
  }

  /** A stack whose workers wait for the gateway as {@code gatewayTiming} says. */
  public static Stack start(StackSettings settings, GatewayTiming gatewayTiming) throws Exception {
    Stack stack = new Stack();
    try {
      stack.startAll(settings, gatewayTiming);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(StackSettings settings, GatewayTiming gatewayTiming) throws Exception {
    data = settings.dataDir().toAbsolutePath();
    Files.createDirectories(data);

    description = new StackDescription(data.resolve("devstack.json"));
    StackSettings.External external = settings.external();
    database = LocalDatabase.start(external, data.resolve("postgres"));
    closers.push(database);
    temporal = LocalTemporal.start(settings, data.resolve("temporal"));
    closers.push(temporal);
    aws = LocalAws.start(settings.sqsPort(), settings.snsPort());
    closers.push(aws);

    String gatewayUrl = external.gatewayUrl();
    String gatewayKey = external.gatewaySecretKey();
    if (gatewayUrl == null) {
      gateway = new GatewaySimulator(new GatewaySimulator.Settings(
          Ports.resolve(settings.gatewayPort()), GATEWAY_KEY, 2, Duration.ofSeconds(3), Duration.ZERO,
          gatewayTiming.lateAnswer()));
      // A real gateway remembers what it charged: so does the simulator, across a restart on DIR.
      gateway.persistTo(data.resolve("gateway").resolve("ledger.json"));
      gateway.start();
      closers.push(gateway::stop);
      gatewayUrl = gateway.baseUrl();
      gatewayKey = GATEWAY_KEY;
    }

    webhooks = new WebhookReceiver(Ports.resolve(settings.webhooksPort()));
    webhooks.start();
    closers.push(webhooks::stop);

    DemoMerchants merchants =
        new DemoMerchants(data.resolve("merchants.json"), new MerchantOnboarding(database.jdbi().onDemand(MerchantDao.class)), database.jdbi());
    demoMerchant = merchants.ensure("Demo merchant", webhooks.url("/hooks/demo"));
    downMerchant = merchants.ensure("Merchant whose endpoint is down", webhooks.url("/hooks/down"));
    webhooks.register("/hooks/demo", demoMerchant.webhookSecret());
    webhooks.registerDown("/hooks/down");

    Map<String, String> values = new LinkedHashMap<>();
    values.put("DATABASE_URL", database.jdbcUrl());
    values.put("DATABASE_USER", database.user());
    values.put("DATABASE_PASSWORD", database.password());
    values.put("TEMPORAL_ADDRESS", temporal.target());
    values.put("TEMPORAL_NAMESPACE", "default");
    values.put("TEMPORAL_TASK_QUEUE", Builds.taskQueue(settings.route()));
    values.put("LOG_FILE", data.resolve(ConsoleLogs.FILE).toString());
    values.put("CONSOLE_LOG_THRESHOLD", ConsoleLogs.consoleThreshold());
    route = settings.route();

    Map<String, String> workerValues = new LinkedHashMap<>(values);
    workerValues.put("GATEWAY_URL", gatewayUrl);
    workerValues.put("GATEWAY_SECRET_KEY", gatewayKey);
    workerValues.put("WEBHOOKS_ALLOW_LOOPBACK", "true");
    workerValues.put("GATEWAY_READ_TIMEOUT", GatewayTiming.configValue(gatewayTiming.readTimeout()));
    workerValues.put("GATEWAY_CALL_TIMEOUT", GatewayTiming.configValue(gatewayTiming.callTimeout()));
    // A stopping worker gives in-flight activities this long, then hands them back to be retried
    // by another worker: short, because here a worker stops mostly to show that.
    workerValues.put("WORKER_SHUTDOWN_GRACE", "3s");
    if (temporal.isTestServer()) {
      // The test server never hands a stopped worker's sticky tasks to another worker; without
      // sticky execution every task goes to the shared queue (see TemporalFactory). The real
      // server (the dev server, a cluster) does, so there the cache keeps the SDK's default.
      workerValues.put("WORKER_WORKFLOW_CACHE_SIZE", "0");
    }
    workers = new Workers(data, workerValues, description, temporal.client());
    closers.push(workers);
    for (int i = 0; i < settings.workers().size(); i++) {
      String build = settings.workers().get(i);
      int port = settings.workerAdminPort() == 0 ? 0 : settings.workerAdminPort() + i;
      startWorker(build, Builds.taskQueue(build), port);
    }

    Map<String, String> apiValues = new LinkedHashMap<>(values);
    apiValues.put("API_PORT", String.valueOf(Ports.resolve(settings.apiPort())));
    apiValues.put("ADMIN_PORT", String.valueOf(Ports.resolve(settings.adminPort())));
    apiValues.put("SNS_ENDPOINT", aws.snsEndpoint());
    apiValues.put("SQS_ENDPOINT", aws.sqsEndpoint());
    apiValues.put("SQS_QUEUE_URL", aws.queueUrl());
    apiValues.put("SQS_DLQ_URL", aws.dlqUrl());
    apiValues.put("SNS_TOPIC_ARN", aws.topicArn());
    apiValues.put("SNS_ACCESS_KEY_ID", "devstack");
    apiValues.put("SNS_SECRET_ACCESS_KEY", "devstack");
    apiValues.put("PUBLISHING_MODE", settings.publishingMode());
    apiValues.put("OUTBOX_POLL_INTERVAL", "100ms");
    // Health turns unhealthy when the oldest unpublished event is older than this.
    apiValues.put("OUTBOX_LAG_THRESHOLD", "10s");
    operator = ConsoleOperator.ensure(data.resolve("operator.json"));
    apiValues.put("OPERATORS", operator.configValue());
    temporal.uiUrl().ifPresent(ui -> apiValues.put("TEMPORAL_UI_URL", ui));
    api = new ApiProcess(data, apiValues);
    closers.push(api);
    api.start();

    if ("sns".equals(settings.publishingMode())) {
      eventSourceMapping = new SqsEventSourceMapping(
          aws.sqs(), aws.queueUrl(), aws.queueArn(aws.queueUrl()), bridgeHandler(settings.route()), 10);
      eventSourceMapping.start();
      closers.push(eventSourceMapping);
    }

    describe(gatewayUrl);
    description.write();
  }

  /** Adds a part started next to the stack to devstack.json. */
  public void describe(String name, Object value) throws IOException {
    description.put(name, value);
    description.write();
  }

  /** Starts the API (again) on the ports of its first start. */
  public void startApi() throws Exception {
    api.start();
  }

  /** Stops the API: it finishes the requests it has and stops its outbox relay. */
  public void stopApi() {
    api.stop();
  }

  /**
   * The API's configuration with some values replaced, written to {@code target}: to run the API
   * in another JVM ({@code java -cp devstack.jar io.durapay.api.DurapayApplication server FILE}).
   */
  public Path apiConfig(Map<String, String> overrides, Path target) {
    return api.config(overrides, target);
  }

  /** A worker's configuration, as {@link #startWorker} runs it, for a worker in another JVM. */
  public Path workerConfig(String build, String taskQueue, int adminPort) {
    return workers.config(build, taskQueue, adminPort, Map.of());
  }

  /** Lets the event-source mapping invoke this handler instead (a bridge that cannot reach Temporal, say). */
  public void useBridge(PaymentEventsHandler handler) {
    requireEventSourceMapping().useHandler(handler);
  }

  /** Back to the bridge that starts workflows on the current route. */
  public synchronized void restoreBridge() {
    requireEventSourceMapping().useHandler(bridgeHandler(route));
  }

  /**
   * Moves every message of the dead-letter queue back to the processing queue, as {@code aws sqs
   * start-message-move-task} does on AWS; returns how many moved.
   */
  public int redriveDeadLetters() {
    return aws.redriveDeadLetters();
  }

  private SqsEventSourceMapping requireEventSourceMapping() {
    if (eventSourceMapping == null) {
      throw new IllegalStateException("no bridge in direct mode");
    }
    return eventSourceMapping;
  }

  private PaymentEventsHandler bridgeHandler(String route) {
    return new PaymentEventsHandler(
        new EventDecoder(), new WorkflowStarter(temporal.client(), Builds.taskQueue(route)), 10);
  }

  /**
   * Moves new payments to {@code build}'s task queue, as a rollout does by configuration: the
   * bridge starts new workflows there, and the API (restarted on the same ports) sends its own
   * starts there. Running workflows stay where they are.
   */
  public synchronized void switchRoute(String build) throws Exception {
    String taskQueue = Builds.taskQueue(build);
    if (eventSourceMapping != null) {
      eventSourceMapping.useHandler(bridgeHandler(build));
    }
    api.useTaskQueue(taskQueue);
    api.stop();
    api.start();
    route = build;
    LOG.info("route switched to {} ({})", build, taskQueue);
  }

  /**
   * Starts a worker of {@code build} polling {@code taskQueue}: its own queue, or (in a rollout,
   * once blue is gone) blue's, to finish blue's stragglers.
   */
  public void startWorker(String build, String taskQueue, int adminPort) throws Exception {
    workers.start(build, taskQueue, adminPort, Map.of());
  }

  /**
   * Starts a worker of {@code build} polling {@code taskQueue} as a version of the Worker Deployment
   * {@code deployment} (its build id: {@link #buildId}), its workflows {@code behavior} by default.
   * The server routes to it once the deployment's current or ramping version names it.
   */
  public void startVersionedWorker(
      String build, String taskQueue, String deployment, VersioningBehavior behavior) throws Exception {
    workers.start(build, taskQueue, 0, Map.of(
        "WORKER_VERSIONING", "true",
        "WORKER_DEPLOYMENT_NAME", deployment,
        "WORKER_VERSIONING_BEHAVIOR", behavior.name()));
  }

  /**
   * Turns the stack over to Worker Versioning: blue's worker (v1) is restarted as a version of the
   * Worker Deployment {@code deployment} on its own task queue, and made the current version. From
   * then on {@code ci/rollout --strategy versioning --devstack URL} can roll green in; the control
   * server starts and stops versioned workers of this deployment ({@code versioned=true}).
   */
  public void useWorkerVersioning(String deployment, VersioningBehavior behavior) throws Exception {
    workers.useVersioning(deployment, behavior);
  }

  /** A deliberately broken worker, for a rollback to catch. */
  public enum WorkerFault {
    NONE,
    /**
     * Configured with a risk limit of 1.00 (a typo for 1 000.00): v2 screens every payment before
     * its charge and rejects it, so every payment it takes fails, none charged.
     */
    RISK_LIMIT_TYPO;

    public static WorkerFault parse(String name) {
      return switch (name == null ? "" : name) {
        case "" -> NONE;
        case "risk-limit-typo" -> RISK_LIMIT_TYPO;
        default -> throw new IllegalArgumentException("fault is risk-limit-typo, not " + name);
      };
    }
  }

  /** Starts {@code build} as a version of the stack's Worker Deployment ({@link #useWorkerVersioning}). */
  public void startVersionedWorker(String build, WorkerFault fault) throws Exception {
    workers.startVersioned(build, fault);
  }

  /** Stops {@code build}'s versioned worker; false when none runs. */
  public boolean stopVersionedWorker(String build) {
    return workers.stopVersioned(build);
  }

  /** The stack's Worker Deployment, or null before {@link #useWorkerVersioning}. */
  public String deployment() {
    return workers.deployment();
  }

  /** The operator's moves on the stack's Worker Deployment. */
  public WorkerDeployments workerDeployments() {
    return workers.deployments();
  }

  /** The build id {@code build}'s workers run as under Worker Versioning. */
  public static String buildId(String build) {
    return Builds.buildId(build);
  }

  /**
   * Stops that worker: it stops polling, gives in-flight activities the grace period, then
   * hands the rest back to be retried by another worker. False when no such worker runs.
   */
  public boolean stopWorker(String build, String taskQueue) {
    return workers.stop(build, taskQueue);
  }

  /** Kills the embedded dev server with SIGKILL, as a crash would; {@link #restartTemporal()} brings it back. */
  public void killTemporal() throws InterruptedException {
    temporal.devServer().kill();
  }

  /** Starts the embedded dev server again on the same port and database file. */
  public void restartTemporal() {
    temporal.devServer().restart();
  }

  /** Stops the SNS emulator, as an outage would: publishes fail to connect. */
  public void stopSns() {
    aws.stopSns();
  }

  /** Starts the SNS emulator again on its port, with its topics and subscriptions. */
  public void startSns() {
    aws.startSns();
  }

  /** Stops the embedded PostgreSQL, as an outage would; {@link #startPostgres()} restarts it. */
  public void stopPostgres() throws IOException {
    database.stop();
  }

  /** Starts the embedded PostgreSQL again on the same port, with the same data. */
  public void startPostgres() throws IOException {
    database.restart();
  }

  private void describe(String gatewayUrl) {
    description.put("dataDir", data.toString());
    description.put("logs", data.resolve(ConsoleLogs.FILE).toString());
    description.put("api", apiUrl());
    description.put("openApi", apiUrl() + "/v1/openapi.yaml");
    description.put("admin", api.adminUrl());
    description.put("console", api.adminUrl() + "/console");
    description.put("consoleOperator", Map.of("name", operator.name(), "password", operator.password()));
    description.put("postgres", database.jdbcUrl());
    description.put("temporal", temporal.target());
    temporal.uiUrl().ifPresent(ui -> description.put("temporalUi", ui));
    description.put("sqs", StackDescription.inOrder(
        "endpoint", aws.sqsEndpoint(), "queueUrl", aws.queueUrl(), "dlqUrl", aws.dlqUrl()));
    description.put("sns", StackDescription.inOrder("endpoint", aws.snsEndpoint(), "topicArn", aws.topicArn()));
    description.put("gateway", gatewayUrl);
    description.put("webhooks", StackDescription.inOrder(
        "receiver", webhooks.baseUrl(), "deliveries", webhooks.baseUrl() + "/deliveries"));
    description.put("demoMerchant", Map.of(
        "merchantId", demoMerchant.merchantId(),
        "apiKey", demoMerchant.apiKey(),
        "webhookSecret", demoMerchant.webhookSecret()));
    description.put("downMerchant", Map.of("merchantId", downMerchant.merchantId(), "apiKey", downMerchant.apiKey()));
  }

  public String jdbcUrl() {
    return database.jdbcUrl();
  }

  public String databaseUser() {
    return database.user();
  }

  public String temporalTarget() {
    return temporal.target();
  }

  /** The running workers, as {@code build@taskQueue}. */
  public List<String> workers() {
    return workers.names();
  }

  /** The build whose task queue new payments go to. */
  public synchronized String route() {
    return route;
  }

  /** The API's admin root: /healthcheck, /tasks/…, /metrics. */
  public String adminUrl() {
    return api.adminUrl();
  }

  public String apiUrl() {
    return api.url();
  }

  public Map<String, Object> description() {
    return description.entries();
  }

  /** The console's operator account (its name and password). */
  public ConsoleOperator operator() {
    return operator;
  }

  public DemoMerchants.Credentials demoMerchant() {
    return demoMerchant;
  }

  public DemoMerchants.Credentials downMerchant() {
    return downMerchant;
  }

  /** The gateway simulator; null when a real gateway is configured. */
  public GatewaySimulator gateway() {
    return gateway;
  }

  public WebhookReceiver webhooks() {
    return webhooks;
  }

  public SqsClient sqs() {
    return aws.sqs();
  }

  public String queueUrl() {
    return aws.queueUrl();
  }

  public String dlqUrl() {
    return aws.dlqUrl();
  }

  public WorkflowClient workflowClient() {
    return temporal.client();
  }

  public Jdbi jdbi() {
    return database.jdbi();
  }

  @Override
  public void close() {
    while (!closers.isEmpty()) {
      AutoCloseable closer = closers.pop();
      try {
        closer.close();
      } catch (Exception e) {
        LOG.warn("stopping a devstack part failed: {}", e.toString());
      } catch (Error e) {
        LOG.warn("stopping a devstack part failed: {}", e.toString());
      }
    }
  }
}
