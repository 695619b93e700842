package io.durapay.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(Merchant.class)
public interface MerchantDao {

  @SqlUpdate("""
      INSERT INTO merchants (id, name, api_key_id, api_key_hash, webhook_url, webhook_secret, max_amount)
      VALUES (:id, :name, :apiKeyId, :apiKeyHash, :webhookUrl, :webhookSecret, :maxAmount)
      """)
  void insert(@BindMethods Merchant merchant);

  @SqlQuery("SELECT * FROM merchants WHERE id = :id")
  Optional<Merchant> findById(@Bind("id") String id);

  @SqlQuery("SELECT * FROM merchants WHERE api_key_id = :apiKeyId")
  Optional<Merchant> findByApiKeyId(@Bind("apiKeyId") String apiKeyId);

  /** Replaces the API key; the old one stops working at once. Returns false for an unknown id. */
  @SqlUpdate("""
      UPDATE merchants SET api_key_id = :apiKeyId, api_key_hash = :apiKeyHash, updated_at = now()
      WHERE id = :id
      """)
  boolean rotateApiKey(
      @Bind("id") String id, @Bind("apiKeyId") String apiKeyId, @Bind("apiKeyHash") byte[] apiKeyHash);

  /** Replaces the webhook signing secret, the old one signing no more. Returns false for an unknown id. */
  @SqlUpdate("""
      UPDATE merchants SET webhook_secret = :secret, previous_webhook_secret = NULL,
                           previous_webhook_secret_until = NULL, updated_at = now()
      WHERE id = :id
      """)
  boolean rotateWebhookSecret(@Bind("id") String id, @Bind("secret") String secret);

  /**
   * Replaces the webhook signing secret, the old one signing beside it until {@code until}; false
   * (nothing changed) for an unknown id or while an earlier rotation's old secret still signs at
   * {@code now}.
   */
  @SqlUpdate("""
      UPDATE merchants SET previous_webhook_secret = webhook_secret, previous_webhook_secret_until = :until,
                           webhook_secret = :secret, updated_at = now()
      WHERE id = :id AND (previous_webhook_secret_until IS NULL OR previous_webhook_secret_until <= :now)
      """)
  boolean rotateWebhookSecretWithOverlap(
      @Bind("id") String id, @Bind("secret") String secret, @Bind("now") Instant now, @Bind("until") Instant until);

  /**
   * Clears every rotated-out secret whose overlap has ended by {@code now}: it signs nothing any
   * more, so it is not kept at rest. Returns how many were cleared.
   */
  @SqlUpdate("""
      UPDATE merchants SET previous_webhook_secret = NULL, previous_webhook_secret_until = NULL
      WHERE previous_webhook_secret_until <= :now
      """)
  int forgetRetiredWebhookSecrets(@Bind("now") Instant now);

  /** Until when the old secret of the merchant's last rotation signs, if it still does at {@code now}. */
  @SqlQuery("""
      SELECT previous_webhook_secret_until FROM merchants
      WHERE id = :id AND previous_webhook_secret_until > :now
      """)
  Optional<Instant> previousWebhookSecretUntil(@Bind("id") String id, @Bind("now") Instant now);

  /** The old secret of the merchant's last rotation, while it still signs at {@code now}. */
  @SqlQuery("""
      SELECT previous_webhook_secret FROM merchants
      WHERE id = :id AND previous_webhook_secret_until > :now
      """)
  Optional<String> previousWebhookSecret(@Bind("id") String id, @Bind("now") Instant now);

  /** Stops webhook deliveries to the merchant (its endpoint answered 410 Gone). */
  @SqlUpdate("""
      UPDATE merchants SET webhook_disabled_at = now(), updated_at = now()
      WHERE id = :id AND webhook_disabled_at IS NULL
      """)
  boolean disableWebhooks(@Bind("id") String id);

  /** Delivers webhooks to the merchant's endpoint again; false when they were not disabled. */
  @SqlUpdate("""
      UPDATE merchants SET webhook_disabled_at = NULL, updated_at = now()
      WHERE id = :id AND webhook_disabled_at IS NOT NULL
      """)
  boolean enableWebhooks(@Bind("id") String id);

  /** Sets the webhook URL and re-enables deliveries to it. Returns false for an unknown id. */
  @SqlUpdate("""
      UPDATE merchants SET webhook_url = :url, webhook_disabled_at = NULL, updated_at = now()
      WHERE id = :id
      """)
  boolean updateWebhookUrl(@Bind("id") String id, @Bind("url") String url);
}
