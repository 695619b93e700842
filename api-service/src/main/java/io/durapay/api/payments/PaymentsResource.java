package io.durapay.api.payments;

import com.codahale.metrics.Meter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.auth.Auth;
import io.durapay.api.responses.PaymentList;
import io.durapay.api.responses.PaymentResponse;
import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.errors.ApiException;
import io.durapay.api.http.CorrelationIdFilter;
import io.durapay.api.http.PageLimit;
import io.durapay.api.outbox.OutboxRelay;
import io.durapay.contracts.PaymentStatus;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** {@code /v1/payments}: initiate, read and list a merchant's payments. */
@Path("/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
public class PaymentsResource {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentsResource.class);
  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
  private static final int DEFAULT_LIMIT = 10;

  private final PaymentInitiator initiator;
  private final PaymentDao payments;
  private final OwnPayments own;
  private final ObjectMapper mapper;
  private final OutboxRelay relay;
  /** Payments made, and create calls answered from their idempotency record instead. */
  private final Meter created;
  private final Meter replays;

  public PaymentsResource(
      PaymentInitiator initiator,
      PaymentDao payments,
      ObjectMapper mapper,
      OutboxRelay relay,
      Meter created,
      Meter replays) {
    this.initiator = initiator;
    this.payments = payments;
    this.own = new OwnPayments(payments);
    this.mapper = mapper;
    this.relay = relay;
    this.created = created;
    this.replays = replays;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(
      @Auth AuthenticatedMerchant merchant,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @Context ContainerRequestContext request,
      @NotNull @Valid CreatePaymentRequest payment) {
    checkIdempotencyKey(idempotencyKey);
    PaymentInitiator.Outcome outcome =
        initiator.initiate(
            merchant.id(), idempotencyKey, payment, CorrelationIdFilter.correlationId(request));
    if (outcome.replayed()) {
      replays.mark();
    } else if (outcome.status() == 201) {
      created.mark();
      MDC.put("paymentId", outcome.paymentId());
      LOG.info("payment {} initiated for merchant {}", outcome.paymentId(), merchant.id());
      MDC.remove("paymentId");
    }
    if (!outcome.replayed() && relay != null) {
      relay.wakeUp();
    }
    Response.ResponseBuilder response =
        Response.status(outcome.status()).entity(outcome.body()).type(MediaType.APPLICATION_JSON);
    if (outcome.replayed()) {
      response.header("Idempotent-Replayed", "true");
    }
    return response.build();
  }

  @GET
  @Path("/{id}")
  public PaymentResponse get(@Auth AuthenticatedMerchant merchant, @PathParam("id") String id) {
    return PaymentResponse.from(own.find(merchant, id, "id"), mapper);
  }

  @GET
  public PaymentList list(
      @Auth AuthenticatedMerchant merchant,
      @QueryParam("status") String status,
      @QueryParam("limit") String limit,
      @QueryParam("startingAfter") String startingAfter) {
    PaymentStatus statusFilter = status == null ? null : parseStatus(status);
    int pageSize = PageLimit.parse(limit, DEFAULT_LIMIT);
    if (startingAfter != null) {
      own.find(merchant, startingAfter, "startingAfter");
    }
    List<Payment> page = payments.list(merchant.id(), statusFilter, startingAfter, pageSize + 1);
    boolean hasMore = page.size() > pageSize;
    return new PaymentList(
        page.stream().limit(pageSize).map(p -> PaymentResponse.from(p, mapper)).toList(), hasMore);
  }

  private static void checkIdempotencyKey(String key) {
    if (key == null || key.isEmpty()) {
      throw ApiException.invalid(
          "missing_idempotency_key",
          "The Idempotency-Key header is required: send a unique value (for example a UUID) per"
              + " payment, and the same value when you retry it.",
          "Idempotency-Key");
    }
    if (key.length() > MAX_IDEMPOTENCY_KEY_LENGTH
        || key.codePoints().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw ApiException.invalid(
          "invalid_idempotency_key",
          "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
          "Idempotency-Key");
    }
  }

  private static PaymentStatus parseStatus(String status) {
    return PaymentStatus.parse(status)
        .orElseThrow(
            () ->
                ApiException.invalid(
                    "invalid_status",
                    "status must be one of initiated, processing, completed, failed, cancelled.",
                    "status"));
  }
}
