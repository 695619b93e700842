package io.durapay.api.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.auth.Auth;
import io.durapay.api.responses.PaymentResponse;
import io.durapay.api.responses.Timeline;
import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.errors.ApiException;
import io.durapay.api.errors.ErrorType;
import io.durapay.api.payments.OwnPayments;
import io.durapay.contracts.CancelRequest;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.StatusHistoryEntry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/payments/{id}/cancel} and {@code /v1/payments/{id}/timeline}. */
@Path("/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
public class PaymentWorkflowResource {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentWorkflowResource.class);
  private final OwnPayments own;
  private final PaymentDao payments;
  private final PaymentWorkflows workflows;
  private final ObjectMapper mapper;

  public PaymentWorkflowResource(PaymentDao payments, PaymentWorkflows workflows, ObjectMapper mapper) {
    this.own = new OwnPayments(payments);
    this.payments = payments;
    this.workflows = workflows;
    this.mapper = mapper;
  }

  /**
   * Asks the payment's workflow to cancel it: 202 once the signal is recorded (the payment moves
   * to {@code cancelled} shortly after, with a refund if it was already charged); 409 when the
   * payment is already final.
   */
  @POST
  @Path("/{id}/cancel")
  public Response cancel(@Auth AuthenticatedMerchant merchant, @PathParam("id") String id) {
    Payment payment = own.find(merchant, id, "id");
    if (payment.status().isFinal()) {
      throw alreadyFinal(payment);
    }
    CancelRequest request = new CancelRequest("requested by the merchant over the API", merchant.id());
    var outcome = workflows.cancel(payment, request);
    if (outcome == PaymentWorkflows.CancelOutcome.ALREADY_CLOSED) {
      // The stored status decides, never the workflow's: a closed workflow whose payment is not
      // final (terminated, lost) gets a new run that carries the cancel.
      Payment now = payments.findById(id).orElse(payment);
      if (now.status().isFinal()
          || workflows.cancelInNewRun(now, request) == PaymentWorkflows.CancelOutcome.ALREADY_CLOSED) {
        throw alreadyFinal(payments.findById(id).orElse(now));
      }
    }
    return Response.status(202).entity(PaymentResponse.from(payment, mapper)).build();
  }

  @GET
  @Path("/{id}/timeline")
  public Timeline timeline(@Auth AuthenticatedMerchant merchant, @PathParam("id") String id) {
    Payment payment = own.find(merchant, id, "id");
    var history = payments.history(id).stream().map(PaymentWorkflowResource::statusEntry).toList();
    try {
      Timeline.Workflow workflow =
          workflows
              .history(id)
              .map(runs -> TimelineSummary.of(runs.latest(), runs.runIds(), workflows.state(id).orElse(null)))
              .orElse(null);
      return new Timeline(payment.id(), payment.status().wireName(), history, workflow, null).forMerchant();
    } catch (RuntimeException e) {
      // Temporal unreachable: the stored history is still worth showing.
      LOG.warn("timeline of {}: workflow history unavailable: {}", id, e.toString());
      return new Timeline(payment.id(), payment.status().wireName(), history, null,
          "The workflow service is unreachable; only the stored status history is shown.").forMerchant();
    }
  }

  private static ApiException alreadyFinal(Payment payment) {
    return new ApiException(
        409,
        ErrorType.INVALID_REQUEST_ERROR,
        "payment_final",
        "The payment is already " + payment.status().wireName() + " and can no longer be cancelled.",
        "id");
  }

  private static Timeline.StatusEntry statusEntry(StatusHistoryEntry entry) {
    return new Timeline.StatusEntry(
        entry.fromStatus() == null ? null : entry.fromStatus().wireName(),
        entry.toStatus().wireName(),
        entry.cause(),
        entry.workflowRunId(),
        entry.changedAt());
  }
}
