package io.durapay.api.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The id format clients and cursors rely on: a prefix, then 26 characters that sort by time. */
class PaymentIdsTest {
  private static final long MAX_MILLIS = (1L << 48) - 1;

  @Test
  void aPaymentIdIsPayAndTwentySixCrockfordCharacters() {
    String id = PaymentIds.newPaymentId();

    assertThat(id).matches("pay_[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(PaymentIds.isPaymentId(id)).isTrue();
    assertThat(PaymentIds.newEventId()).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
  }

  @Test
  void theFirstTenCharactersAreTheMillisecondsInBase32() {
    assertThat(PaymentIds.timeOrdered(0)).startsWith("0000000000");
    assertThat(PaymentIds.timeOrdered(1)).startsWith("0000000001");
    assertThat(PaymentIds.timeOrdered(32)).startsWith("0000000010");
    assertThat(PaymentIds.timeOrdered(MAX_MILLIS)).startsWith("7ZZZZZZZZZ");
  }

  @Test
  void anIdOfALaterMillisecondSortsAfterAndIdsDoNotRepeat() {
    SplittableRandom random = new SplittableRandom(11);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      long at = random.nextLong(MAX_MILLIS);
      String earlier = PaymentIds.timeOrdered(at);
      String later = PaymentIds.timeOrdered(at + 1);

      assertThat(later).as("at %d", at).isGreaterThan(earlier);
      assertThat(seen.add(earlier)).isTrue();
    }
  }

  @Test
  void anythingElseIsNotAPaymentId() {
    assertThat(PaymentIds.isPaymentId(null)).isFalse();
    assertThat(PaymentIds.isPaymentId("pay_" + "U".repeat(26))).as("U is not Crockford").isFalse();
    assertThat(PaymentIds.isPaymentId("pay_" + "0".repeat(25))).isFalse();
    assertThat(PaymentIds.isPaymentId("evt_" + "0".repeat(26))).isFalse();
  }
}
