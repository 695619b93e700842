package io.durapay.devstack;

import io.dropwizard.testing.DropwizardTestSupport;
import io.durapay.contracts.TaskQueues;
import io.durapay.rollout.WorkerDeployments;
import io.durapay.worker.WorkerConfiguration;
import io.temporal.client.WorkflowClient;
import io.temporal.common.VersioningBehavior;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's payment workers, each a {@code build@taskQueue} in this JVM on its own config file
 * (DIR/worker-BUILD-QUEUE.yml), and, once the stack uses Worker Versioning, the versions of its
 * Worker Deployment.
 */
final class Workers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  private final Path data;
  private final Map<String, String> values;
  private final StackDescription description;
  private final WorkflowClient client;
  private final Map<String, DropwizardTestSupport<WorkerConfiguration>> running = new LinkedHashMap<>();
  private String deployment;
  private VersioningBehavior behavior;

  /** @param values the settings every worker's config file is rendered with */
  Workers(Path data, Map<String, String> values, StackDescription description, WorkflowClient client) {
    this.data = data;
    this.values = values;
    this.description = description;
    this.client = client;
  }

  synchronized void start(String build, String taskQueue, int adminPort, Map<String, String> extra) throws Exception {
    String name = build + "@" + taskQueue;
    Builds.taskQueue(build);
    if (running.containsKey(name)) {
      throw new IllegalStateException("a " + build + " worker already polls " + taskQueue);
    }
    Path file = config(build, taskQueue, adminPort, extra);
    DropwizardTestSupport<WorkerConfiguration> worker =
        new DropwizardTestSupport<>(Builds.application(build), file.toString());
    worker.before();
    running.put(name, worker);
    description.put("worker " + name, "http://127.0.0.1:" + worker.getAdminPort());
  }

  /** False when no such worker runs. */
  synchronized boolean stop(String build, String taskQueue) {
    DropwizardTestSupport<WorkerConfiguration> worker = running.remove(build + "@" + taskQueue);
    if (worker == null) {
      return false;
    }
    worker.after();
    description.remove("worker " + build + "@" + taskQueue);
    return true;
  }

  synchronized Path config(String build, String taskQueue, int adminPort, Map<String, String> extra) {
    Builds.taskQueue(build);
    Map<String, String> config = new LinkedHashMap<>(values);
    config.put("TEMPORAL_TASK_QUEUE", taskQueue);
    config.put("WORKER_ADMIN_PORT", String.valueOf(Ports.resolve(adminPort)));
    config.putAll(extra);
    return ConfigTemplate.render(
        "devstack-worker.yml", config, data.resolve("worker-" + build + "-" + taskQueue + ".yml"));
  }

  synchronized List<String> names() {
    return List.copyOf(running.keySet());
  }

  /** Restarts v1 as the current version of {@code deployment}; see {@link Stack#useWorkerVersioning}. */
  synchronized void useVersioning(String deployment, VersioningBehavior behavior) throws Exception {
    stop("v1", TaskQueues.PAYMENTS_V1);
    this.deployment = deployment;
    this.behavior = behavior;
    startVersioned("v1", Stack.WorkerFault.NONE);
    WorkerDeployments deployments = deployments();
    // The server learns of a version from its workers' first polls.
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        deployments.setCurrent(Builds.buildId("v1"));
        break;
      } catch (io.grpc.StatusRuntimeException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the server did not learn of v1's version in 30 s", e);
        }
        Thread.sleep(200);
      }
    }
    description.put("worker deployment", deployment + " (" + behavior + "), current " + Builds.buildId("v1"));
    LOG.info("worker versioning: {} is the current version of {}", Builds.buildId("v1"), deployment);
  }

  synchronized void startVersioned(String build, Stack.WorkerFault fault) throws Exception {
    requireVersioning();
    Map<String, String> extra = new LinkedHashMap<>(Map.of(
        "WORKER_VERSIONING", "true",
        "WORKER_DEPLOYMENT_NAME", deployment,
        "WORKER_VERSIONING_BEHAVIOR", behavior.name()));
    if (fault == Stack.WorkerFault.RISK_LIMIT_TYPO) {
      extra.put("RISK_MAX_AMOUNT", "100");
    }
    start(build, TaskQueues.PAYMENTS_V1, 0, extra);
  }

  synchronized boolean stopVersioned(String build) {
    requireVersioning();
    return stop(build, TaskQueues.PAYMENTS_V1);
  }

  synchronized String deployment() {
    return deployment;
  }

  synchronized WorkerDeployments deployments() {
    requireVersioning();
    return new WorkerDeployments(client.getWorkflowServiceStubs(), "default", deployment);
  }

  private void requireVersioning() {
    if (deployment == null) {
      throw new IllegalStateException("this stack does not use Worker Versioning (devstack up --versioning)");
    }
  }

  /** Stops every worker, the last started first. */
  @Override
  public synchronized void close() {
    List<String> names = names();
    for (int i = names.size() - 1; i >= 0; i--) {
      String[] name = names.get(i).split("@", 2);
      stop(name[0], name[1]);
    }
  }
}
