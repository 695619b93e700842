package io.durapay.api.idempotency;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.api.payments.CreatePaymentRequest;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fingerprints are stored with idempotency records, so their form must not change between builds:
 * a retry reaching a newer build would otherwise be refused as a different request.
 */
class RequestFingerprintTest {
  @Test
  void fingerprintsTheCanonicalJsonOfTheRequestAsEarlierBuildsStoredIt() throws Exception {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("order", "42");
    metadata.put("cart", "c_7");
    CreatePaymentRequest request = new CreatePaymentRequest(
        BigInteger.valueOf(1999), "usd", "pm_card_visa", null, metadata);

    String canonical = "{\"amount\":1999,\"currency\":\"USD\",\"paymentMethod\":\"pm_card_visa\","
        + "\"description\":null,\"metadata\":{\"cart\":\"c_7\",\"order\":\"42\"}}";
    assertThat(RequestFingerprint.of(request)).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(UTF_8))));
  }
}
