package io.durapay.api.webhooks;

import io.dropwizard.core.setup.Environment;
import io.durapay.api.merchants.MerchantOnboarding;
import io.durapay.store.Merchant;
import io.durapay.store.MerchantDao;
import io.durapay.store.WebhookRedeliveryDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * A merchant's webhook endpoint: whether deliveries to it are on, rotating its signing secret, and
 * turning deliveries back on after
 * the endpoint answered 410 Gone (which turns them off, as Standard Webhooks says). Turning them on
 * also asks for every event of the last {@link #RESEND_WINDOW} that never reached the merchant to be
 * sent again, each under its own {@code webhook-id}, so the merchant can drop any it already has.
 * The workers' re-delivery sweep sends them. For the merchant over the API and for operators by task.
 */
public final class WebhookEndpoints {
  /** How far back undelivered events are sent again: as far as a merchant may reconcile. */
  public static final Duration RESEND_WINDOW = Duration.ofDays(30);

  private final MerchantDao merchants;
  private final WebhookRedeliveryDao redeliveries;
  private final MerchantOnboarding onboarding;
  private final Clock clock;

  /** How often old secrets whose overlap has ended are cleared. */
  static final Duration RETIRED_SECRETS_SWEEP = Duration.ofMinutes(10);

  /**
   * The merchant's endpoint resource, the operators' enable task, and the sweep that clears
   * retired secrets.
   */
  public static void register(Environment environment, Jdbi jdbi, MerchantOnboarding onboarding, Clock clock) {
    WebhookEndpoints endpoints = new WebhookEndpoints(jdbi, onboarding, clock);
    environment.jersey().register(new WebhookEndpointResource(endpoints));
    environment.admin().addTask(new EnableWebhooksTask(endpoints));
    environment.lifecycle().scheduledExecutorService("retired-webhook-secrets").threads(1).build()
        .scheduleWithFixedDelay(new RetiredWebhookSecrets(jdbi.onDemand(MerchantDao.class), clock),
            RETIRED_SECRETS_SWEEP.toMillis(), RETIRED_SECRETS_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
  }

  public WebhookEndpoints(Jdbi jdbi, MerchantOnboarding onboarding, Clock clock) {
    this.merchants = jdbi.onDemand(MerchantDao.class);
    this.redeliveries = jdbi.onDemand(WebhookRedeliveryDao.class);
    this.onboarding = onboarding;
    this.clock = clock;
  }

  /**
   * The endpoint as it stands: {@code previousSecretSignsUntil} while a rotated secret still signs
   * beside the new one; {@code resent}: how many events a call just asked to send again.
   */
  public record Endpoint(
      String url, boolean enabled, Instant disabledAt, Instant previousSecretSignsUntil, Integer resent) {}

  /** Empty for an unknown merchant. */
  public Optional<Endpoint> of(String merchantId) {
    return merchants.findById(merchantId).map(merchant -> endpoint(merchant, null));
  }

  /** A new signing secret, the old one signing beside it for the overlap (see {@link MerchantOnboarding}). */
  public MerchantOnboarding.SecretRotation rotateSecret(String merchantId) {
    return onboarding.rotateWebhookSecret(merchantId);
  }

  /**
   * Turns deliveries on (nothing changes when they are on already) and asks for the undelivered
   * events to be sent again now: a new request for each, or the waiting retry of one already asked
   * for brought forward (one being sent at this moment is left to that attempt). Safe to repeat:
   * no event is asked for twice. Empty for an unknown merchant.
   */
  public Optional<Endpoint> enable(String merchantId, String requestedBy) {
    if (merchants.findById(merchantId).isEmpty()) {
      return Optional.empty();
    }
    merchants.enableWebhooks(merchantId);
    Instant now = clock.instant();
    Instant since = now.minus(RESEND_WINDOW);
    int resent = redeliveries.requestUndelivered(merchantId, since, requestedBy, now)
        + redeliveries.bringForwardUndelivered(merchantId, since, now);
    return merchants.findById(merchantId).map(merchant -> endpoint(merchant, resent));
  }

  private Endpoint endpoint(Merchant merchant, Integer resent) {
    return new Endpoint(merchant.webhookUrl(), merchant.webhookDisabledAt() == null, merchant.webhookDisabledAt(),
        merchants.previousWebhookSecretUntil(merchant.id(), clock.instant()).orElse(null), resent);
  }
}
