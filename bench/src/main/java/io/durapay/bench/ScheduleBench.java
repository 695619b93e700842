package io.durapay.bench;

import io.durapay.devstack.schedules.FaultScheduleRun;
import io.durapay.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The seeded randomized fault-schedule run at size ({@code bench/run schedules count=1000
 * seed=… concurrency=25}): a check of correctness, not a measure of speed; it prints the outcomes,
 * the wall time and every violation, and exits non-zero on one.
 */
final class ScheduleBench {
  private ScheduleBench() {}

  static void run(Options options) throws Exception {
    int count = options.integer("count", 1_000);
    int concurrency = options.integer("concurrency", 25);
    long seed = Long.parseLong(options.text("seed", "20261202"));
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      Store.migrate(postgres.getPostgresDatabase());
      long started = System.nanoTime();
      FaultScheduleRun.Report report = FaultScheduleRun.run(postgres.getPostgresDatabase(), seed, count, concurrency);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.println(report);
      System.out.printf("%d schedules in %.0f s (%d at a time)%n", count, seconds, concurrency);
      if (!report.ok()) {
        System.exit(1);
      }
    }
  }
}
