package io.durapay.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POST /v1/payments against the API (the real application on zonky PostgreSQL, outbox relay off so
 * only ingest is measured) at several client counts; baseline: pgbench running the API's ingest
 * transaction statement for statement ({@code bench/ingest.sql}) at the same concurrency against
 * the same database.
 */
final class IngestBench {
  private IngestBench() {}

  /**
   * {@code statuses}: answers other than 201 by status code (-1: an I/O error, no answer). {@code
   * cpuNanos}: the JVM's CPU time over the level, every thread; {@code clientCpuNanos}: what the
   * load's own client threads used of it (the API shares this JVM).
   */
  record Level(int clients, double perSecond, Latencies latencies, Map<Integer, Long> statuses,
      long cpuNanos, long clientCpuNanos) {
    long errors() {
      return statuses.values().stream().mapToLong(Long::longValue).sum();
    }

    long accepted() {
      return latencies.count() - errors();
    }

    /** JVM CPU per accepted payment, in ms: the figure that does not depend on how busy the machine was. */
    double cpuMsPerAccepted() {
      return cpuNanos / 1e6 / Math.max(1, accepted());
    }

    /** As {@link #cpuMsPerAccepted}, less what the client threads used themselves. */
    double apiCpuMsPerAccepted() {
      return (cpuNanos - clientCpuNanos) / 1e6 / Math.max(1, accepted());
    }
  }

  static void run(Options options) throws Exception {
    List<Integer> levels = options.integers("clients", "1,8,32");
    int seconds = options.integer("seconds", 10);
    int warmup = options.integer("warmup", 10);
    // pgbench=none leaves the baseline out: for long runs that watch the API's heap.
    String pgbench = options.text("pgbench", pgbenchPath());
    if ("none".equals(pgbench)) {
      pgbench = null;
    }
    try (Rig rig = new Rig(options); Api api = new Api(rig, Map.of("OUTBOX_RELAY_ENABLED", "false"))) {
      System.out.printf("ingest: POST /v1/payments, %d s per level, relay off; baseline %s%n", seconds,
          pgbench == null ? "(no pgbench found)" : pgbench + " -M prepared with the same transaction");
      load(api, 8, warmup); // warm-up (JIT), not reported
      System.out.println("  clients   API req/s   API p50/p99 ms      CPU ms/req (API)   pgbench tps  pgbench avg ms"
          + "   API/pgbench   heap MB");
      for (int clients : levels) {
        Level level = load(api, clients, seconds);
        double[] pg = pgbench == null ? new double[] {Double.NaN, Double.NaN} : pgbench(rig, pgbench, clients, seconds);
        System.out.printf("  %7d   %9.0f   %6.1f / %-8.1f   %6.2f (%5.2f)     %11.0f   %14.2f   %10.2f   %7d%s%n",
            clients, level.perSecond(), level.latencies().percentileMs(50), level.latencies().percentileMs(99),
            level.cpuMsPerAccepted(), level.apiCpuMsPerAccepted(),
            pg[0], pg[1], level.perSecond() / pg[0], Machine.usedHeapMb(),
            level.errors() > 0 ? "  (non-201 by status: " + level.statuses() + ")" : "");
      }
      System.out.println("  CPU ms/req: this JVM's CPU time (API and load) per accepted payment; in brackets without"
          + " the load's client threads");
      System.out.println("  target at 32 clients: CPU <= 1.0 ms per accepted payment, API/pgbench >= 0.40");
    }
  }

  /** {@code clients} threads POSTing back to back for {@code seconds}. */
  static Level load(Api api, int clients, int seconds) throws Exception {
    Latencies latencies = new Latencies();
    Map<Integer, Long> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Long>> running = new ArrayList<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuBefore = Machine.processCpuNanos();
    long started = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      running.add(pool.submit(() -> {
        long ownBefore = threads.getCurrentThreadCpuTime();
        while (System.nanoTime() < deadline) {
          long t0 = System.nanoTime();
          int status = api.post();
          latencies.add(System.nanoTime() - t0);
          if (status != 201) {
            statuses.merge(status, 1L, Long::sum);
          }
        }
        return threads.getCurrentThreadCpuTime() - ownBefore;
      }));
    }
    long clientCpu = 0;
    for (Future<Long> f : running) {
      clientCpu += f.get();
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    long cpu = Machine.processCpuNanos() - cpuBefore;
    pool.shutdown();
    return new Level(clients, latencies.count() / elapsed, latencies, statuses, cpu, clientCpu);
  }

  /** tps and average latency (ms) of pgbench with the ingest script. */
  static double[] pgbench(Rig rig, String pgbench, int clients, int seconds) throws Exception {
    Path script = rig.dir.resolve("ingest.sql");
    try (InputStream in = IngestBench.class.getResourceAsStream("/bench/ingest.sql")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = List.of(pgbench, "-n", "-M", "prepared", "-h", "127.0.0.1",
        "-p", String.valueOf(rig.postgres.getPort()), "-U", "postgres",
        "-c", String.valueOf(clients), "-j", String.valueOf(Math.min(clients, 2)),
        "-T", String.valueOf(seconds), "-D", "merchant=" + rig.merchant.merchantId(),
        "-f", script.toString(), "postgres");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Process process = builder.start();
    String output;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      output = String.join("\n", reader.lines().toList());
    }
    if (process.waitFor() != 0) {
      throw new IllegalStateException("pgbench failed:\n" + output);
    }
    return new double[] {number(output, "tps = ([0-9.]+)"), number(output, "latency average = ([0-9.]+) ms")};
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + regex + " in pgbench output:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  static String pgbenchPath() {
    for (String candidate : List.of("/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench",
        "/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }
}
