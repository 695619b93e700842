package io.durapay.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MerchantMessagesTest {
  @Test
  void aKnownCodeGetsItsSentence() {
    assertThat(MerchantMessages.forCode("insufficient_funds")).isEqualTo("The card has insufficient funds.");
    assertThat(MerchantMessages.forCode("risk_rejected")).isEqualTo("The payment was declined by risk screening.");
  }

  @Test
  void declinesThatWouldTipOffAFraudsterReadAsAPlainDecline() {
    for (String code : new String[] {"lost_card", "stolen_card", "fraudulent", "pickup_card"}) {
      assertThat(MerchantMessages.code(code)).as("the code is kept").isEqualTo(code);
      assertThat(MerchantMessages.forCode(code)).isEqualTo(MerchantMessages.forCode("card_declined"));
    }
  }

  @Test
  void anUnknownCodeKeepsItsCodeAndGetsTheGenericSentence() {
    assertThat(MerchantMessages.code("resource_missing")).isEqualTo("resource_missing");
    assertThat(MerchantMessages.forCode("resource_missing")).isEqualTo("The payment could not be processed.");
  }

  @Test
  void aCodeThatIsNotAPlainCodeIsShownAsTheGenericOne() {
    for (String stored : new String[] {"No such PaymentMethod: 'pm_123'", "Card_Declined", "a".repeat(65), ""}) {
      assertThat(MerchantMessages.code(stored)).as(stored).isEqualTo(MerchantMessages.GENERIC_CODE);
      assertThat(MerchantMessages.forCode(stored)).isEqualTo("The payment could not be processed.");
    }
  }

  @Test
  void noCodeNoSentence() {
    assertThat(MerchantMessages.code(null)).isNull();
    assertThat(MerchantMessages.forCode(null)).isNull();
  }
}
