package io.durapay.api.payments;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import io.dropwizard.core.setup.Environment;
import io.durapay.api.idempotency.IdempotencyPurger;
import io.durapay.api.outbox.OutboxRelay;
import io.durapay.store.IdempotencyDao;
import io.durapay.store.PaymentDao;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/** Limits and retention of the payments API. */
public class PaymentsFactory {

  /** The largest amount a payment may have, in minor units. */
  @Min(1)
  @Max(Long.MAX_VALUE / 2)
  private long maxAmount = 99_999_999L;

  /** How long an idempotency record answers replays before it expires. */
  @NotNull private Duration idempotencyTtl = Duration.hours(24);

  /** How often expired idempotency records are deleted. */
  @NotNull private Duration idempotencyPurgeInterval = Duration.minutes(10);

  /**
   * Builds and registers the payments API: {@code POST /v1/payments} and the reads, the OpenAPI
   * document, and the scheduled purge of expired idempotency records.
   *
   * @param relay woken after each new payment; null when this process does not relay
   */
  public void build(Environment environment, Jdbi jdbi, Clock clock, OutboxRelay relay) {
    // The request body's rules read the configured limits from the validator factory, which
    // Jersey's @Valid uses; the factory is replaced before the server is built, so it does.
    environment.setValidator(Validators.newConfiguration()
        .constraintValidatorPayload(new PaymentRules.Limits(maxAmount))
        .buildValidatorFactory()
        .getValidator());
    environment.jersey().register(new PaymentRequestReader());
    environment.jersey().register(new PaymentsResource(
        new PaymentInitiator(jdbi, environment.getObjectMapper(), idempotencyTtl.toJavaDuration(), clock),
        jdbi.onDemand(PaymentDao.class),
        environment.getObjectMapper(),
        relay,
        environment.metrics().meter("payments.created"),
        environment.metrics().meter("idempotency.replays")));
    environment.jersey().register(new OpenApiResource());
    long purgeEvery = idempotencyPurgeInterval.toMilliseconds();
    environment.lifecycle().scheduledExecutorService("idempotency-purger").threads(1).build()
        .scheduleWithFixedDelay(new IdempotencyPurger(jdbi.onDemand(IdempotencyDao.class)),
            purgeEvery, purgeEvery, TimeUnit.MILLISECONDS);
  }

  @JsonProperty
  public long getMaxAmount() {
    return maxAmount;
  }

  @JsonProperty
  public void setMaxAmount(long maxAmount) {
    this.maxAmount = maxAmount;
  }

  @JsonProperty
  public Duration getIdempotencyTtl() {
    return idempotencyTtl;
  }

  @JsonProperty
  public void setIdempotencyTtl(Duration idempotencyTtl) {
    this.idempotencyTtl = idempotencyTtl;
  }

  @JsonProperty
  public Duration getIdempotencyPurgeInterval() {
    return idempotencyPurgeInterval;
  }

  @JsonProperty
  public void setIdempotencyPurgeInterval(Duration idempotencyPurgeInterval) {
    this.idempotencyPurgeInterval = idempotencyPurgeInterval;
  }
}
