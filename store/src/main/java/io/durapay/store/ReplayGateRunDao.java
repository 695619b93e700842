package io.durapay.store;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The replay gate's results, written by the gate when it is given the database ({@code
 * --record-to}); the console's rollouts page shows each build's last.
 */
@RegisterConstructorMapper(ReplayGateRun.class)
public interface ReplayGateRunDao {

  @SqlUpdate("""
      INSERT INTO replay_gate_runs (build, histories, failures, passed, detail)
      VALUES (:build, :histories, :failures, :passed, :detail)
      """)
  void record(
      @Bind("build") String build,
      @Bind("histories") int histories,
      @Bind("failures") int failures,
      @Bind("passed") boolean passed,
      @Bind("detail") String detail);

  /** Each build's last run, by build name. */
  @SqlQuery("""
      SELECT DISTINCT ON (build) * FROM replay_gate_runs ORDER BY build, id DESC
      """)
  List<ReplayGateRun> lastPerBuild();
}
