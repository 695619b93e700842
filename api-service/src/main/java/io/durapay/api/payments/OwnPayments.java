package io.durapay.api.payments;

import io.durapay.api.auth.AuthenticatedMerchant;
import io.durapay.api.errors.ApiException;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;

/**
 * Looks payments up as their merchant sees them: another merchant's payment is reported as
 * missing, never as forbidden, so ids reveal nothing.
 */
public final class OwnPayments {
  private final PaymentDao payments;

  public OwnPayments(PaymentDao payments) {
    this.payments = payments;
  }

  public Payment find(AuthenticatedMerchant merchant, String id, String param) {
    if (!PaymentIds.isPaymentId(id)) {
      throw ApiException.notFound("No such payment: '" + printable(id) + "'", param);
    }
    return payments
        .findByIdForMerchant(id, merchant.id())
        .orElseThrow(() -> ApiException.notFound("No such payment: '" + id + "'", param));
  }

  private static String printable(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
