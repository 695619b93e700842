package io.durapay.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Operators' accounts added by a task (those in configuration are not kept here), their console
 * sessions, and the audit of what they did.
 */
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

  /**
   * Adds an account, or gives a removed one back with the new hash; false (nothing changed) when an
   * account of that name is there already.
   */
  @SqlUpdate("""
      INSERT INTO operator_accounts (name, password_hash, added_by) VALUES (:name, :hash, :addedBy)
      ON CONFLICT (name) DO UPDATE
        SET password_hash = excluded.password_hash, added_by = excluded.added_by, added_at = now(),
            removed_by = NULL, removed_at = NULL
        WHERE operator_accounts.removed_at IS NOT NULL
      """)
  boolean addAccount(@Bind("name") String name, @Bind("hash") String passwordHash, @Bind("addedBy") String addedBy);

  /** The password hash of the account {@code name}, while it is not removed. */
  @SqlQuery("SELECT password_hash FROM operator_accounts WHERE name = :name AND removed_at IS NULL")
  Optional<String> accountHash(@Bind("name") String name);

  /** Removes the account; false when there is none of that name (or it is removed already). */
  @SqlUpdate("""
      UPDATE operator_accounts SET removed_by = :removedBy, removed_at = now()
      WHERE name = :name AND removed_at IS NULL
      """)
  boolean removeAccount(@Bind("name") String name, @Bind("removedBy") String removedBy);

  /** Ends every console session of {@code operator}. */
  @SqlUpdate("DELETE FROM operator_sessions WHERE operator = :operator")
  int deleteSessionsOf(@Bind("operator") String operator);
}
