package io.durapay.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.testing.DropwizardTestSupport;
import io.durapay.api.DurapayApplication;
import io.durapay.api.DurapayConfiguration;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.bridge.EventDecoder;
import io.durapay.bridge.PaymentEventsHandler;
import io.durapay.contracts.PaymentSearchAttributes;
import io.durapay.contracts.TaskQueues;
import io.durapay.contracts.WorkflowStarter;
import io.durapay.devserver.DevServer;
import io.durapay.devstack.gateway.GatewaySimulator;
import io.durapay.devstack.sns.SnsEmulator;
import io.durapay.devstack.sqs.DeadLetterRedrive;
import io.durapay.devstack.sqs.SqsEventSourceMapping;
import io.durapay.devstack.webhooks.WebhookReceiver;
import io.durapay.rollout.WorkerDeployments;
import io.durapay.store.MerchantDao;
import io.durapay.store.Store;
import io.durapay.worker.WorkerConfiguration;
import io.temporal.client.WorkflowClient;
import io.temporal.common.VersioningBehavior;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole of durapay on loopback, in this JVM (Temporal beside it, as the CLI's dev server in a
 * process of its own, or as the SDK's in-memory test server): PostgreSQL, Temporal, ElasticMQ
 * with the processing queue and its dead-letter queue, the SNS emulator, the gateway simulator,
 * the merchant's webhook endpoint, the API, the v1 worker, and the event-source mapping that feeds
 * SQS batches to the real Lambda handler. PostgreSQL, Temporal and the gateway can be the real
 * things instead ({@link StackSettings.External}). Closing it stops everything in reverse order.
 */
public final class Stack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Stack.class);
  static final String TOPIC = "payment-events";
  static final String QUEUE = "payment-processing";
  static final String DLQ = "payment-processing-dlq";
  static final String GATEWAY_KEY = "sk_test_devstack";

  private final Deque<AutoCloseable> closers = new ArrayDeque<>();
  private final Map<String, Object> description = new LinkedHashMap<>();

  private String jdbcUrl;
  private EmbeddedPostgres postgres;
  private Jdbi jdbi;
  private SqsClient sqs;
  private SnsEmulator sns;
  private String queueUrl;
  private String dlqUrl;
  private WorkflowClient workflowClient;
  private DevServer temporal;
  private GatewaySimulator gateway;
  private WebhookReceiver webhooks;
  private DemoMerchants.Credentials demoMerchant;
  private DemoMerchants.Credentials downMerchant;
  private SqsEventSourceMapping eventSourceMapping;
  private DropwizardTestSupport<DurapayConfiguration> api;
  private Path data;
  private String deployment;
  private VersioningBehavior versioningBehavior;
  private Map<String, String> workerValues;
  private String route;
  private Map<String, String> apiValues;
  private final Map<String, DropwizardTestSupport<WorkerConfiguration>> workers = new LinkedHashMap<>();

  private Stack() {}

  public static Stack start(StackSettings settings) throws Exception {
    Stack stack = new Stack();
    try {
      stack.startAll(settings);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(StackSettings settings) throws Exception {
    data = settings.dataDir().toAbsolutePath();
    Files.createDirectories(data);

    StackSettings.External external = settings.external();
    DataSource database;
    if (external.databaseUrl() != null) {
      jdbcUrl = external.databaseUrl();
      PGSimpleDataSource real = new PGSimpleDataSource();
      real.setUrl(jdbcUrl);
      real.setUser(external.databaseUser());
      real.setPassword(external.databasePassword());
      database = real;
    } else {
      postgres = startPostgres(data.resolve("postgres"), 0);
      closers.push(() -> {
        if (postgres != null) {
          postgres.close();
        }
      });
      jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
      database = postgres.getPostgresDatabase();
    }
    Store.migrate(database);
    jdbi = Store.jdbi(database);

    String temporalTarget = external.temporalAddress();
    boolean testServer = false;
    if (temporalTarget == null && settings.temporal() == StackSettings.EmbeddedTemporal.DEV_SERVER) {
      Path state = data.resolve("temporal");
      temporal = DevServer.start(new DevServer.Options(
          settings.temporalPort(), settings.temporalUiPort(), state.resolve("temporal.db"), state.resolve("server.log")));
      closers.push(temporal::close);
      temporalTarget = temporal.target();
    } else if (temporalTarget == null) {
      int temporalPort = Ports.resolve(settings.temporalPort());
      TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(temporalPort);
      closers.push(server::close);
      temporalTarget = "127.0.0.1:" + temporalPort;
      testServer = true;
    }
    String target = temporalTarget;
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    closers.push(() -> {
      stubs.shutdown();
      stubs.awaitTermination(5, TimeUnit.SECONDS);
    });
    workflowClient = WorkflowClient.newInstance(stubs);
    if (testServer) {
      // The test server knows only the attributes it is told of; the dev server's launcher registers them.
      PaymentSearchAttributes.register(stubs, "default");
    }

    int sqsPort = Ports.resolve(settings.sqsPort());
    startSqs(sqsPort);

    int snsPort = Ports.resolve(settings.snsPort());
    sns = new SnsEmulator(snsPort, sqs);
    sns.start();
    closers.push(sns::close);
    String topicArn = subscribeQueueToTopic(sns.endpoint());

    String gatewayUrl = external.gatewayUrl();
    String gatewayKey = external.gatewaySecretKey();
    if (gatewayUrl == null) {
      gateway = new GatewaySimulator(new GatewaySimulator.Settings(
          Ports.resolve(settings.gatewayPort()), GATEWAY_KEY, 2, Duration.ofSeconds(3), Duration.ZERO));
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
        new DemoMerchants(data.resolve("merchants.json"), new MerchantOnboarding(jdbi.onDemand(MerchantDao.class)), jdbi);
    demoMerchant = merchants.ensure("Demo merchant", webhooks.url("/hooks/demo"));
    downMerchant = merchants.ensure("Merchant whose endpoint is down", webhooks.url("/hooks/down"));
    webhooks.register("/hooks/demo", demoMerchant.webhookSecret());
    webhooks.registerDown("/hooks/down");

    Map<String, String> values = new LinkedHashMap<>();
    values.put("DATABASE_URL", jdbcUrl);
    values.put("DATABASE_USER", external.databaseUrl() == null ? "postgres" : external.databaseUser());
    values.put("DATABASE_PASSWORD", external.databaseUrl() == null ? "" : external.databasePassword());
    values.put("TEMPORAL_ADDRESS", temporalTarget);
    values.put("TEMPORAL_NAMESPACE", "default");
    values.put("TEMPORAL_TASK_QUEUE", Builds.taskQueue(settings.route()));
    values.put("LOG_FILE", data.resolve(ConsoleLogs.FILE).toString());
    values.put("CONSOLE_LOG_THRESHOLD", ConsoleLogs.consoleThreshold());
    route = settings.route();

    workerValues = new LinkedHashMap<>(values);
    workerValues.put("GATEWAY_URL", gatewayUrl);
    workerValues.put("GATEWAY_SECRET_KEY", gatewayKey);
    workerValues.put("WEBHOOKS_ALLOW_LOOPBACK", "true");
    // A charge the simulator holds still answers within one attempt (the charge's start-to-close
    // is 30 s), so holding payments in flight does not turn into client timeouts.
    workerValues.put("GATEWAY_READ_TIMEOUT", "25s");
    workerValues.put("GATEWAY_CALL_TIMEOUT", "28s");
    // A stopping worker gives in-flight activities this long, then abandons them to be retried
    // by another worker: short, because here a worker stops mostly to show that.
    workerValues.put("WORKER_SHUTDOWN_GRACE", "3s");
    if (testServer) {
      // The test server never hands a stopped worker's sticky tasks to another worker; without
      // sticky execution every task goes to the shared queue (see TemporalFactory). The real
      // server (the dev server, a cluster) does, so there the cache keeps the SDK's default.
      workerValues.put("WORKER_WORKFLOW_CACHE_SIZE", "0");
    }
    for (int i = 0; i < settings.workers().size(); i++) {
      String build = settings.workers().get(i);
      int port = settings.workerAdminPort() == 0 ? 0 : settings.workerAdminPort() + i;
      startWorker(build, Builds.taskQueue(build), port);
    }

    Map<String, String> apiValues = new LinkedHashMap<>(values);
    apiValues.put("API_PORT", String.valueOf(Ports.resolve(settings.apiPort())));
    apiValues.put("ADMIN_PORT", String.valueOf(Ports.resolve(settings.adminPort())));
    apiValues.put("SNS_ENDPOINT", sns.endpoint());
    apiValues.put("SNS_TOPIC_ARN", topicArn);
    apiValues.put("SNS_ACCESS_KEY_ID", "devstack");
    apiValues.put("SNS_SECRET_ACCESS_KEY", "devstack");
    apiValues.put("PUBLISHING_MODE", settings.publishingMode());
    apiValues.put("OUTBOX_POLL_INTERVAL", "100ms");
    // Health turns unhealthy when the oldest unpublished event is older than this.
    apiValues.put("OUTBOX_LAG_THRESHOLD", "10s");
    this.apiValues = apiValues;
    startApi();
    closers.push(() -> {
      if (api != null) {
        api.after();
      }
    });

    if ("sns".equals(settings.publishingMode())) {
      String queueArn = queueArn(queueUrl);
      eventSourceMapping =
          new SqsEventSourceMapping(sqs, queueUrl, queueArn, bridgeHandler(settings.route()), 10);
      eventSourceMapping.start();
      closers.push(eventSourceMapping);
    }

    describe(data, temporalTarget, gatewayUrl, sqsPort, sns.endpoint(), topicArn);
    writeDescription();
  }

  /** Adds a part started next to the stack to devstack.json. */
  public void describe(String name, Object value) throws IOException {
    description.put(name, value);
    writeDescription();
  }

  private void writeDescription() throws IOException {
    Files.writeString(data.resolve("devstack.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(description));
  }

  /** Starts the API (again) on the ports of its first start. */
  public synchronized void startApi() throws Exception {
    if (api != null) {
      throw new IllegalStateException("the API is running");
    }
    Path config = ConfigTemplate.render("devstack-api.yml", apiValues, data.resolve("api.yml"));
    api = new DropwizardTestSupport<>(DurapayApplication.class, config.toString());
    api.before();
    // Keep the ports of the first start across restarts (a route switch restarts the API).
    apiValues.put("API_PORT", String.valueOf(api.getLocalPort()));
    apiValues.put("ADMIN_PORT", String.valueOf(api.getAdminPort()));
  }

  /** Stops the API: it finishes the requests it has and stops its outbox relay. */
  public synchronized void stopApi() {
    if (api != null) {
      api.after();
      api = null;
    }
  }

  /**
   * The API's configuration with some values replaced, written to {@code target}: to run the API
   * in another JVM ({@code java -cp devstack.jar io.durapay.api.DurapayApplication server FILE}).
   */
  public synchronized Path apiConfig(Map<String, String> overrides, Path target) {
    Map<String, String> values = new LinkedHashMap<>(apiValues);
    values.putAll(overrides);
    return ConfigTemplate.render("devstack-api.yml", values, target);
  }

  /** A worker's configuration, as {@link #startWorker} runs it, for a worker in another JVM. */
  public synchronized Path workerConfig(String build, String taskQueue, int adminPort) {
    return workerConfig(build, taskQueue, adminPort, Map.of());
  }

  private Path workerConfig(String build, String taskQueue, int adminPort, Map<String, String> extra) {
    Builds.taskQueue(build);
    Map<String, String> config = new LinkedHashMap<>(workerValues);
    config.put("TEMPORAL_TASK_QUEUE", taskQueue);
    config.put("WORKER_ADMIN_PORT", String.valueOf(Ports.resolve(adminPort)));
    config.putAll(extra);
    return ConfigTemplate.render(
        "devstack-worker.yml", config, data.resolve("worker-" + build + "-" + taskQueue + ".yml"));
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
    return new DeadLetterRedrive(sqs).redrive(dlqUrl, queueUrl);
  }

  private SqsEventSourceMapping requireEventSourceMapping() {
    if (eventSourceMapping == null) {
      throw new IllegalStateException("no bridge in direct mode");
    }
    return eventSourceMapping;
  }

  private PaymentEventsHandler bridgeHandler(String route) {
    return new PaymentEventsHandler(
        new EventDecoder(), new WorkflowStarter(workflowClient, Builds.taskQueue(route)), 10);
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
    apiValues.put("TEMPORAL_TASK_QUEUE", taskQueue);
    stopApi();
    startApi();
    route = build;
    LOG.info("route switched to {} ({})", build, taskQueue);
  }

  /**
   * Starts a worker of {@code build} polling {@code taskQueue}: its own queue, or (in a rollout,
   * once blue is gone) blue's, to finish blue's stragglers.
   */
  public synchronized void startWorker(String build, String taskQueue, int adminPort) throws Exception {
    startWorker(build, taskQueue, adminPort, Map.of());
  }

  /**
   * Starts a worker of {@code build} polling {@code taskQueue} as a version of the Worker Deployment
   * {@code deployment} (its build id: {@link #buildId}), its workflows {@code behavior} by default.
   * The server routes to it once the deployment's current or ramping version names it.
   */
  public synchronized void startVersionedWorker(
      String build, String taskQueue, String deployment, VersioningBehavior behavior) throws Exception {
    startWorker(build, taskQueue, 0, Map.of(
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
  public synchronized void useWorkerVersioning(String deployment, VersioningBehavior behavior) throws Exception {
    stopWorker("v1", TaskQueues.PAYMENTS_V1);
    this.deployment = deployment;
    this.versioningBehavior = behavior;
    startVersionedWorker("v1", WorkerFault.NONE);
    WorkerDeployments deployments = workerDeployments();
    // The server learns of a version from its workers' first polls.
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        deployments.setCurrent(buildId("v1"));
        break;
      } catch (io.grpc.StatusRuntimeException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the server did not learn of v1's version in 30 s", e);
        }
        Thread.sleep(200);
      }
    }
    description.put("worker deployment", deployment + " (" + behavior + "), current " + buildId("v1"));
    LOG.info("worker versioning: {} is the current version of {}", buildId("v1"), deployment);
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
  public synchronized void startVersionedWorker(String build, WorkerFault fault) throws Exception {
    requireVersioning();
    Map<String, String> extra = new LinkedHashMap<>(Map.of(
        "WORKER_VERSIONING", "true",
        "WORKER_DEPLOYMENT_NAME", deployment,
        "WORKER_VERSIONING_BEHAVIOR", versioningBehavior.name()));
    if (fault == WorkerFault.RISK_LIMIT_TYPO) {
      extra.put("RISK_MAX_AMOUNT", "100");
    }
    startWorker(build, TaskQueues.PAYMENTS_V1, 0, extra);
  }

  /** Stops {@code build}'s versioned worker; false when none runs. */
  public synchronized boolean stopVersionedWorker(String build) {
    requireVersioning();
    return stopWorker(build, TaskQueues.PAYMENTS_V1);
  }

  /** The stack's Worker Deployment, or null before {@link #useWorkerVersioning}. */
  public synchronized String deployment() {
    return deployment;
  }

  /** The operator's moves on the stack's Worker Deployment. */
  public synchronized WorkerDeployments workerDeployments() {
    requireVersioning();
    return new WorkerDeployments(workflowClient.getWorkflowServiceStubs(), "default", deployment);
  }

  private void requireVersioning() {
    if (deployment == null) {
      throw new IllegalStateException("this stack does not use Worker Versioning (devstack up --versioning)");
    }
  }

  /** The build id {@code build}'s workers run as under Worker Versioning. */
  public static String buildId(String build) {
    return Builds.buildId(build);
  }

  private void startWorker(String build, String taskQueue, int adminPort, Map<String, String> extra)
      throws Exception {
    String name = build + "@" + taskQueue;
    Builds.taskQueue(build);
    if (workers.containsKey(name)) {
      throw new IllegalStateException("a " + build + " worker already polls " + taskQueue);
    }
    Path file = workerConfig(build, taskQueue, adminPort, extra);
    DropwizardTestSupport<WorkerConfiguration> worker =
        new DropwizardTestSupport<>(Builds.application(build), file.toString());
    worker.before();
    workers.put(name, worker);
    closers.push(() -> stopWorker(build, taskQueue));
    description.put("worker " + name, "http://127.0.0.1:" + worker.getAdminPort());
  }

  /**
   * Stops that worker: it stops polling, gives in-flight activities the grace period, then
   * abandons the rest to be retried by another worker. False when no such worker runs.
   */
  public synchronized boolean stopWorker(String build, String taskQueue) {
    DropwizardTestSupport<WorkerConfiguration> worker = workers.remove(build + "@" + taskQueue);
    if (worker == null) {
      return false;
    }
    worker.after();
    description.remove("worker " + build + "@" + taskQueue);
    return true;
  }

  /** Kills the embedded dev server with SIGKILL, as a crash would; {@link #restartTemporal()} brings it back. */
  public void killTemporal() throws InterruptedException {
    requireDevServer().kill();
  }

  /** Starts the embedded dev server again on the same port and database file. */
  public void restartTemporal() {
    requireDevServer().restart();
  }

  private DevServer requireDevServer() {
    if (temporal == null) {
      throw new IllegalStateException("Temporal is not the embedded dev server here");
    }
    return temporal;
  }

  private static EmbeddedPostgres startPostgres(Path dataDirectory, int port) throws IOException {
    LOG.info("starting PostgreSQL with data in {}", dataDirectory);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false);
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  /** Stops the SNS emulator, as an outage would: publishes fail to connect. */
  public void stopSns() {
    sns.stop();
  }

  /** Starts the SNS emulator again on its port, with its topics and subscriptions. */
  public void startSns() {
    sns.start();
  }

  /** Stops the embedded PostgreSQL, as an outage would; {@link #startPostgres()} restarts it. */
  public synchronized void stopPostgres() throws IOException {
    if (postgres == null) {
      throw new IllegalStateException("the embedded PostgreSQL is not running (or a real one is used)");
    }
    postgres.close();
    postgres = null;
    LOG.info("PostgreSQL stopped");
  }

  /** Starts the embedded PostgreSQL again on the same port, with the same data. */
  public synchronized void startPostgres() throws IOException {
    if (postgres != null) {
      throw new IllegalStateException("PostgreSQL is running");
    }
    int port = Integer.parseInt(jdbcUrl.replaceFirst(".*://[^:/]+:(\\d+)/.*", "$1"));
    postgres = startPostgres(data.resolve("postgres"), port);
    LOG.info("PostgreSQL started again on port {}", port);
  }

  private void startSqs(int port) {
    SQSRestServer server =
        SQSRestServerBuilder.withPort(port)
            .withInterface("127.0.0.1")
            .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
            .start();
    server.waitUntilStarted();
    closers.push(server::stopAndWait);
    sqs = SqsClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("devstack", "devstack")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
    closers.push(sqs);
    dlqUrl = sqs.createQueue(r -> r.queueName(DLQ)).queueUrl();
    String redrive = "{\"deadLetterTargetArn\":\"" + queueArn(dlqUrl) + "\",\"maxReceiveCount\":\"5\"}";
    // A short visibility timeout so that a failed message is retried within seconds here; on AWS
    // it is at least six times the function timeout (see lambda-bridge/template.yaml).
    queueUrl = sqs.createQueue(r -> r.queueName(QUEUE).attributes(Map.of(
        QueueAttributeName.VISIBILITY_TIMEOUT, "2",
        QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
  }

  private String subscribeQueueToTopic(String snsEndpoint) {
    try (SnsClient client = SnsClient.builder()
        .endpointOverride(URI.create(snsEndpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("devstack", "devstack")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build()) {
      String topicArn = client.createTopic(r -> r.name(TOPIC)).topicArn();
      client.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn(queueUrl))
          .attributes(Map.of(
              "RawMessageDelivery", "false",
              "FilterPolicy", "{\"eventType\":[\"payment.initiated\"]}")));
      return topicArn;
    }
  }

  private String queueArn(String url) {
    return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
  }

  private void describe(
      Path data, String temporalTarget, String gatewayUrl, int sqsPort, String snsEndpoint, String topicArn) {
    description.put("dataDir", data.toString());
    description.put("logs", data.resolve(ConsoleLogs.FILE).toString());
    description.put("api", apiUrl());
    description.put("openApi", apiUrl() + "/v1/openapi.yaml");
    description.put("admin", "http://127.0.0.1:" + api.getAdminPort());
    description.put("postgres", jdbcUrl);
    description.put("temporal", temporalTarget);
    if (temporal != null) {
      temporal.uiUrl().ifPresent(ui -> description.put("temporalUi", ui));
    }
    description.put("sqs", inOrder("endpoint", "http://127.0.0.1:" + sqsPort, "queueUrl", queueUrl, "dlqUrl", dlqUrl));
    description.put("sns", inOrder("endpoint", snsEndpoint, "topicArn", topicArn));
    description.put("gateway", gatewayUrl);
    description.put("webhooks", inOrder("receiver", webhooks.baseUrl(), "deliveries", webhooks.baseUrl() + "/deliveries"));
    description.put("demoMerchant", Map.of(
        "merchantId", demoMerchant.merchantId(),
        "apiKey", demoMerchant.apiKey(),
        "webhookSecret", demoMerchant.webhookSecret()));
    description.put("downMerchant", Map.of("merchantId", downMerchant.merchantId(), "apiKey", downMerchant.apiKey()));
  }

  /** A map of the key-value pairs in the order given (the banner lists them so). */
  private static Map<String, String> inOrder(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String databaseUser() {
    return workerValues.get("DATABASE_USER");
  }

  public String temporalTarget() {
    return workerValues.get("TEMPORAL_ADDRESS");
  }

  /** The running workers, as {@code build@taskQueue}. */
  public synchronized List<String> workers() {
    return List.copyOf(workers.keySet());
  }

  /** The build whose task queue new payments go to. */
  public synchronized String route() {
    return route;
  }

  /** The API's admin root: /healthcheck, /tasks/…, /metrics. */
  public String adminUrl() {
    return "http://127.0.0.1:" + apiValues.get("ADMIN_PORT");
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + apiValues.get("API_PORT");
  }

  public Map<String, Object> description() {
    return description;
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
    return sqs;
  }

  public String queueUrl() {
    return queueUrl;
  }

  public String dlqUrl() {
    return dlqUrl;
  }

  public WorkflowClient workflowClient() {
    return workflowClient;
  }

  public Jdbi jdbi() {
    return jdbi;
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
