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
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /v1/payments/{id}/cancel} and {@code /v1/payments/{id}/timeline}. */
@Path("/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
public class PaymentWorkflowResource {
  private final OwnPayments own;
  private final PaymentDao payments;
  private final PaymentWorkflows workflows;
  private final Timelines timelines;
  private final ObjectMapper mapper;

  public PaymentWorkflowResource(
      PaymentDao payments, PaymentWorkflows workflows, Timelines timelines, ObjectMapper mapper) {
    this.own = new OwnPayments(payments);
    this.payments = payments;
    this.workflows = workflows;
    this.timelines = timelines;
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
    CancelRequest request = new CancelRequest("requested by the merchant over the API", merchant.id());
    workflows.requestCancel(payments, payment, request).ifPresent(already -> {
      throw alreadyFinal(already);
    });
    return Response.status(202).entity(PaymentResponse.from(payment, mapper)).build();
  }

  @GET
  @Path("/{id}/timeline")
  public Timeline timeline(@Auth AuthenticatedMerchant merchant, @PathParam("id") String id) {
    return timelines.of(own.find(merchant, id, "id")).forMerchant();
  }

  private static ApiException alreadyFinal(Payment payment) {
    return new ApiException(
        409,
        ErrorType.INVALID_REQUEST_ERROR,
        "payment_final",
        "The payment is already " + payment.status().wireName() + " and can no longer be cancelled.",
        "id");
  }
}
