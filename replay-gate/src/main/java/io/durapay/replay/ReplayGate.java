package io.durapay.replay;

import io.durapay.contracts.TemporalConnection;
import io.durapay.contracts.WorkflowIds;
import io.durapay.replay.GateOptions.UsageException;
import io.durapay.store.ReplayGateRunDao;
import io.durapay.store.Store;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The replay gate (ARCHITECTURE decision 10b): replays recorded or live histories against a
 * worker build before it gets traffic, and fails on any non-determinism. See {@link
 * GateOptions#USAGE}.
 */
public final class ReplayGate {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE_OR_NOTHING = 2;

  private ReplayGate() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the gate and returns its exit code (0, 1 or 2, as the usage says); never exits. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    GateOptions options;
    try {
      options = GateOptions.parse(args, System.getenv());
    } catch (UsageException e) {
      err.println("replay-gate: " + e.getMessage());
      err.print(GateOptions.USAGE);
      return USAGE_OR_NOTHING;
    }
    if (options.histories() != null && !Files.isDirectory(options.histories())) {
      err.println("replay-gate: no folder " + options.histories());
      return USAGE_OR_NOTHING;
    }
    try {
      ReplayRun.Result result = options.histories() != null
          ? replay(options, HistoryFolder.inputs(options.histories()), out)
          : replayLive(options, out);
      if (options.recordTo() != null) {
        record(options, result);
      }
      if (result.replayed() == 0) {
        err.println("replay-gate: nothing to replay");
        return USAGE_OR_NOTHING;
      }
      return result.failed() == 0 ? OK : FAILED;
    } catch (Exception e) {
      err.println("replay-gate: " + e);
      return FAILED;
    }
  }

  private static ReplayRun.Result replay(GateOptions options, List<HistoryInput> inputs, PrintStream out)
      throws Exception {
    try (HistoryReplayer replayer = new HistoryReplayer(options.workflowClass());
        ReplayRun run = new ReplayRun(replayer, options.taskQueue(), out)) {
      return run.run(inputs);
    }
  }

  private static ReplayRun.Result replayLive(GateOptions options, PrintStream out) throws Exception {
    TemporalConnection connection = new TemporalConnection();
    connection.setTarget(options.temporal());
    connection.setNamespace(options.namespace());
    // Credentials come from the environment, as for every durapay process, never the command line.
    connection.setTlsCertPath(System.getenv("TEMPORAL_TLS_CERT"));
    connection.setTlsKeyPath(System.getenv("TEMPORAL_TLS_KEY"));
    connection.setApiKey(System.getenv("TEMPORAL_API_KEY"));
    WorkflowServiceStubs stubs = connection.connect(null);
    try {
      WorkflowClient client = connection.client(stubs);
      List<HistoryInput> inputs = options.query() != null
          ? LiveHistories.found(client, options.visibilityQuery(), options.limit())
          : LiveHistories.inputs(client,
              options.databaseUrl() != null ? recentWorkflowIds(options) : workflowIds(options.ids()));
      return replay(options, inputs, out);
    } finally {
      stubs.shutdownNow();
    }
  }

  /** The result in replay_gate_runs: passed only when something replayed and nothing failed. */
  private static void record(GateOptions options, ReplayRun.Result result) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(options.recordTo());
    dataSource.setUser(options.databaseUser());
    dataSource.setPassword(options.databasePassword());
    Store.jdbi(dataSource).useExtension(ReplayGateRunDao.class, dao -> dao.record(options.build(),
        result.replayed(), result.failed(), result.replayed() > 0 && result.failed() == 0, options.source()));
  }

  private static List<String> recentWorkflowIds(GateOptions options) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(options.databaseUrl());
    dataSource.setUser(options.databaseUser());
    dataSource.setPassword(options.databasePassword());
    List<String> paymentIds = Store.jdbi(dataSource).withExtension(RecentPayments.class,
        dao -> dao.ids(Instant.now().minus(options.since()), options.taskQueue(), options.limit()));
    return paymentIds.stream().map(WorkflowIds::forPayment).toList();
  }

  /** Accepts workflow ids and bare payment ids alike. */
  private static List<String> workflowIds(List<String> ids) {
    return ids.stream().map(id -> id.startsWith(WorkflowIds.PREFIX) ? id : WorkflowIds.forPayment(id)).toList();
  }
}
