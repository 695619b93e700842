package io.durapay.replay;

import io.durapay.contracts.PaymentWorkflow;
import io.durapay.worker.v1.PaymentWorkflowV1Impl;
import io.durapay.worker.v2.PaymentWorkflowV2Impl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of the replay gate. The flags are a stable interface for pipelines: add new
 * ones, never change the meaning of one that exists.
 *
 * <p>Over 200 lines because the usage text alone is some 30 lines and each source (histories, ids,
 * database, visibility) has its own rules for which flags go with it; usage, flag list and checks
 * stay in one record so that the documented interface and the code that enforces it change
 * together.
 */
record GateOptions(
    Class<?> workflowClass,
    Path histories,
    List<String> ids,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String temporal,
    String namespace,
    Duration since,
    int limit,
    String taskQueue,
    String query,
    String build,
    String recordTo) {

  static final String USAGE =
      """
      usage: ci/replay-gate --build v1|v2 SOURCE [--task-queue Q]

      Replays workflow histories against a worker build. Exit 0 when every history replays,
      1 on any non-determinism or error, 2 on bad arguments or when nothing was found to replay.

      SOURCE is one of:
        --histories DIR          every *.json under DIR (recursively), as written by
                                 WorkflowClient.fetchHistory(id).toJson(true)
        --ids ID[,ID...] --temporal HOST:PORT [--namespace NS]
                                 the live histories of these workflows (payment-<id>, or payment ids)
        --database-url JDBC_URL [--database-user U] [--database-password P]
            --temporal HOST:PORT [--namespace NS] [--since 24h] [--limit 1000]
                                 the live histories of the payments created within --since (s, m, h,
                                 d), newest first, at most --limit; payments without a workflow are
                                 skipped. User and password default to DATABASE_USER and
                                 DATABASE_PASSWORD.

        --temporal HOST:PORT [--namespace NS] [--query VISIBILITY_QUERY] [--since 24h] [--limit 1000]
                                 the live histories that Temporal's visibility finds (a real server
                                 or cluster; not the test server), at most --limit. The default
                                 query: PaymentWorkflows running, or closed within --since, e.g.
                                 --query "DurapayMerchantId='mer_…' AND ExecutionStatus='Running'"

        --task-queue Q           only workflows started on task queue Q (e.g. the blue queue,
                                 payment-processing-v1); with visibility, part of the query
        --record-to JDBC_URL     also writes the result to durapay's database (replay_gate_runs),
                                 where the console's rollouts page shows each build's last; user
                                 and password as for --database-url. A result that cannot be
                                 recorded fails the gate.

      Temporal TLS or API key: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or TEMPORAL_API_KEY.
      """;

  static final Map<String, Class<?>> BUILDS =
      Map.of("v1", PaymentWorkflowV1Impl.class, "v2", PaymentWorkflowV2Impl.class);

  private static final List<String> FLAGS =
      List.of(
          "--build", "--histories", "--ids", "--database-url", "--database-user",
          "--database-password", "--temporal", "--namespace", "--since", "--limit", "--task-queue", "--query",
          "--record-to",
          // Hidden: replays against any PaymentWorkflow implementation on the classpath (the
          // gate's own tests use it to prove that a broken build is refused).
          "--workflow-class");

  private static final Pattern SINCE = Pattern.compile("(\\d{1,6})([smhd])");

  /** Bad arguments: the message says which, and the caller prints the usage. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static GateOptions parse(String[] args, Map<String, String> env) throws UsageException {
    Map<String, String> flags = flags(args);
    Class<?> workflowClass = workflowClass(flags);
    long sources = List.of("--histories", "--ids", "--database-url", "--query").stream()
        .filter(flags::containsKey).count();
    boolean visibility = flags.containsKey("--query")
        || (sources == 0 && flags.containsKey("--temporal"));
    if (sources > 1 || (sources == 0 && !visibility)) {
      throw new UsageException("give exactly one of --histories, --ids, --database-url, --query"
          + " (or --temporal alone for the default visibility query)");
    }
    boolean live = !flags.containsKey("--histories");
    if (live && !flags.containsKey("--temporal")) {
      throw new UsageException("--temporal HOST:PORT is required with --ids, --database-url and --query");
    }
    if (!live && (flags.containsKey("--temporal") || flags.containsKey("--namespace"))) {
      throw new UsageException("--temporal and --namespace go with --ids, --database-url or --query");
    }
    boolean database = flags.containsKey("--database-url");
    for (String flag : List.of("--database-user", "--database-password")) {
      if (!database && !flags.containsKey("--record-to") && flags.containsKey(flag)) {
        throw new UsageException(flag + " goes with --database-url or --record-to");
      }
    }
    for (String flag : List.of("--since", "--limit")) {
      if (!database && !visibility && flags.containsKey(flag)) {
        throw new UsageException(flag + " goes with --database-url or a visibility query");
      }
    }
    String query = visibility
        ? flags.getOrDefault("--query", defaultQuery(since(flags.getOrDefault("--since", "24h"))))
        : null;
    if (query != null && query.isBlank()) {
      throw new UsageException("--query needs a visibility query");
    }

    return new GateOptions(
        workflowClass,
        flags.containsKey("--histories") ? Path.of(flags.get("--histories")) : null,
        flags.containsKey("--ids") ? ids(flags.get("--ids")) : List.of(),
        flags.get("--database-url"),
        flags.getOrDefault("--database-user", env.get("DATABASE_USER")),
        flags.getOrDefault("--database-password", env.get("DATABASE_PASSWORD")),
        flags.get("--temporal"),
        flags.getOrDefault("--namespace", "default"),
        since(flags.getOrDefault("--since", "24h")),
        limit(flags.getOrDefault("--limit", "1000")),
        flags.get("--task-queue"),
        query,
        flags.getOrDefault("--build", flags.get("--workflow-class")),
        flags.get("--record-to"));
  }

  /** Each flag given and its value (see {@link CommandFlags}). */
  private static Map<String, String> flags(String[] args) throws UsageException {
    try {
      return CommandFlags.read(args, FLAGS, List.of("--workflow-class"));
    } catch (CommandFlags.BadFlagsException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Payment workflows still running, or closed within {@code since}. */
  static String defaultQuery(Duration since) {
    return "WorkflowType='PaymentWorkflow' AND (ExecutionStatus='Running' OR CloseTime > '"
        + java.time.Instant.now().minus(since).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "')";
  }

  /** The query the gate sends: the given one, narrowed to the task queue when one is named. */
  String visibilityQuery() {
    return taskQueue == null ? query : "(" + query + ") AND TaskQueue='" + taskQueue.replace("'", "") + "'";
  }

  private static Class<?> workflowClass(Map<String, String> flags) throws UsageException {
    String name = flags.get("--workflow-class");
    if (name != null) {
      try {
        Class<?> workflowClass = Class.forName(name);
        if (PaymentWorkflow.class.isAssignableFrom(workflowClass)) {
          return workflowClass;
        }
      } catch (ClassNotFoundException e) {
        // Reported below.
      }
      throw new UsageException("no PaymentWorkflow implementation " + name);
    }
    String build = flags.get("--build");
    if (build == null) {
      throw new UsageException("--build v1|v2 is required");
    }
    Class<?> workflowClass = BUILDS.get(build);
    if (workflowClass == null) {
      throw new UsageException("--build must be v1 or v2, not " + build);
    }
    return workflowClass;
  }

  private static List<String> ids(String value) throws UsageException {
    List<String> ids = new ArrayList<>();
    for (String id : value.split(",")) {
      if (!id.isBlank() && !ids.contains(id.strip())) {
        ids.add(id.strip());
      }
    }
    if (ids.isEmpty()) {
      throw new UsageException("--ids needs at least one id");
    }
    return ids;
  }

  private static Duration since(String value) throws UsageException {
    Matcher m = SINCE.matcher(value);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new UsageException("--since must look like 90s, 30m, 24h or 7d, not " + value);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static int limit(String value) throws UsageException {
    try {
      int limit = Integer.parseInt(value);
      if (limit > 0) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new UsageException("--limit must be a positive number, not " + value);
  }

  /** What the gate replays, for its record: never a URL or a credential. */
  String source() {
    String source = histories != null ? "the histories in " + histories.getFileName()
        : !ids.isEmpty() ? ids.size() + " workflows by id"
        : databaseUrl != null ? "the payments of the last " + since.toString().substring(2).toLowerCase()
        : "visibility: " + visibilityQuery();
    return taskQueue == null || query != null ? source : source + " on " + taskQueue;
  }

  /** Leaves the database password out, so the options can be printed. */
  @Override
  public String toString() {
    return "GateOptions[workflowClass=" + workflowClass.getName() + ", histories=" + histories
        + ", ids=" + ids + ", databaseUrl=" + databaseUrl + ", temporal=" + temporal + ", query=" + query + ", build=" + build
        + ", recordTo=" + recordTo + "]";
  }
}
