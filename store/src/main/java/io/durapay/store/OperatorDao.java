package io.durapay.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Operators' console sessions and the audit of what they did. */
@RegisterConstructorMapper(OperatorSession.class)
@RegisterConstructorMapper(OperatorAction.class)
public interface OperatorDao {

  @SqlUpdate("""
      INSERT INTO operator_sessions (token_hash, operator, csrf_token, created_at, expires_at)
      VALUES (:tokenHash, :operator, :csrfToken, :createdAt, :expiresAt)
      """)
  void createSession(
      @Bind("tokenHash") byte[] tokenHash,
      @Bind("operator") String operator,
      @Bind("csrfToken") String csrfToken,
      @Bind("createdAt") Instant createdAt,
      @Bind("expiresAt") Instant expiresAt);

  /** The session whose token hashes to {@code tokenHash}, while it has not expired at {@code now}. */
  @SqlQuery("""
      SELECT operator, csrf_token, created_at, expires_at FROM operator_sessions
      WHERE token_hash = :tokenHash AND expires_at > :now
      """)
  Optional<OperatorSession> findSession(@Bind("tokenHash") byte[] tokenHash, @Bind("now") Instant now);

  @SqlUpdate("DELETE FROM operator_sessions WHERE token_hash = :tokenHash")
  void deleteSession(@Bind("tokenHash") byte[] tokenHash);

  @SqlUpdate("DELETE FROM operator_sessions WHERE expires_at <= :now")
  int deleteExpiredSessions(@Bind("now") Instant now);

  @SqlUpdate("""
      INSERT INTO operator_actions (operator, action, target, outcome)
      VALUES (:operator, :action, :target, :outcome)
      """)
  void recordAction(
      @Bind("operator") String operator,
      @Bind("action") String action,
      @Bind("target") String target,
      @Bind("outcome") String outcome);

  /** What operators did to {@code target}, oldest first. */
  @SqlQuery("SELECT * FROM operator_actions WHERE target = :target ORDER BY id")
  List<OperatorAction> actionsOn(@Bind("target") String target);

  /** The latest actions, newest first. */
  @SqlQuery("SELECT * FROM operator_actions ORDER BY id DESC LIMIT :limit")
  List<OperatorAction> latestActions(@Bind("limit") int limit);
}
