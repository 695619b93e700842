package io.durapay.api.payments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.api.responses.PaymentResponse;
import io.durapay.api.errors.ApiException;
import io.durapay.api.errors.ErrorType;
import io.durapay.api.idempotency.RequestFingerprint;
import io.durapay.contracts.EventEnvelope;
import io.durapay.contracts.PaymentStatus;
import io.durapay.store.PaymentEvents;
import io.durapay.store.IdempotencyDao;
import io.durapay.store.IdempotencyRecord;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Creates a payment under an idempotency key. The payment row, its {@code payment.initiated}
 * outbox event and the idempotency record commit in one transaction, so either all three exist
 * or none does, and a retry of the same request returns the stored response instead of creating
 * a second payment.
 */
public final class PaymentInitiator {

  /** What a create call produced: the response to send, and whether it is a replay. */
  public record Outcome(int status, String body, boolean replayed, String paymentId) {}

  private final Jdbi jdbi;
  private final ObjectMapper mapper;
  private final Duration idempotencyTtl;
  private final Clock clock;

  public PaymentInitiator(Jdbi jdbi, ObjectMapper mapper, Duration idempotencyTtl, Clock clock) {
    this.jdbi = jdbi;
    this.mapper = mapper;
    this.idempotencyTtl = idempotencyTtl;
    this.clock = clock;
  }

  public Outcome initiate(
      String merchantId, String idempotencyKey, CreatePaymentRequest request, String correlationId) {
    String fingerprint = RequestFingerprint.of(request);
    return jdbi.inTransaction(
        handle -> {
          IdempotencyDao idempotency = handle.attach(IdempotencyDao.class);
          // A second request with this key while the first is still running gets a 409 at once
          // rather than waiting on it: the client retries and then sees the stored response.
          if (!idempotency.tryLock(merchantId, idempotencyKey)) {
            throw new ApiException(
                409,
                ErrorType.IDEMPOTENCY_ERROR,
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is being processed. Retry shortly.",
                "Idempotency-Key");
          }
          Optional<IdempotencyRecord> existing = idempotency.findLive(merchantId, idempotencyKey);
          if (existing.isPresent()) {
            return replay(existing.get(), fingerprint);
          }
          return create(
              handle, idempotency, merchantId, idempotencyKey, fingerprint, request, correlationId);
        });
  }

  private static Outcome replay(IdempotencyRecord record, String fingerprint) {
    if (!record.requestHash().equals(fingerprint)) {
      throw new ApiException(
          422,
          ErrorType.IDEMPOTENCY_ERROR,
          "idempotency_key_reused",
          "This Idempotency-Key was already used with a different request body. Use a new key"
              + " for a new payment.",
          "Idempotency-Key");
    }
    return new Outcome(record.responseStatus(), record.responseBody(), true, record.paymentId());
  }

  private Outcome create(
      Handle handle,
      IdempotencyDao idempotency,
      String merchantId,
      String idempotencyKey,
      String fingerprint,
      CreatePaymentRequest request,
      String correlationId) {
    String paymentId = PaymentIds.newPaymentId();
    Payment created = handle.attach(PaymentDao.class).create(
        new Payment(
            paymentId,
            merchantId,
            request.amountInMinorUnits(),
            request.currency(),
            request.paymentMethod(),
            request.description(),
            json(request.metadata()),
            PaymentStatus.INITIATED,
            null,
            null,
            null,
            correlationId,
            null,
            null));

    EventEnvelope event = PaymentEvents.initiated(created, PaymentIds.newEventId(), clock.instant());
    String body = json(PaymentResponse.from(created, mapper));
    // The answer and the event in one statement, through the DAO attached for the lock (an attach
    // costs more than an insert: bench/RESULTS.md).
    int recorded = idempotency.insertWithEvent(
        new IdempotencyRecord(merchantId, idempotencyKey, fingerprint, 201, body, paymentId, null, null),
        idempotencyTtl.toMillis(), event.id(), event.type().wireName(), correlationId, json(event));
    if (recorded != 1) {
      // Unreachable while the key's lock is held; if it ever happens, store nothing at all.
      throw new IllegalStateException("idempotency record for the key was not stored");
    }
    return new Outcome(201, body, false, paymentId);
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }
}
