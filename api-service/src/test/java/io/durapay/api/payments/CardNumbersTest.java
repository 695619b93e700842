package io.durapay.api.payments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CardNumbersTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "4242424242424242",
      "order for 4111 1111 1111 1111",
      "4111-1111-1111-1111",
      "5555_5555_5555_4444",
      "amex 3782 822463 10005",
      "4222222222222 (13 digits)",
      "6011 1111 1111 1117 expires 12-29",
      "ref 12 4111111111111111",
      // Written the other ways people write them (issue 20, item 10).
      "4111.1111.1111.1111",
      "4111  1111  1111  1111",
      "4111/1111/1111/1111",
      "4111 - 1111 - 1111 - 1111",
      "\uFF14\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11 \uFF11\uFF11\uFF11\uFF11",
      "\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661"
  })
  void findsCardNumbers(String text) {
    assertThat(CardNumbers.containsCardNumber(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Order #1001",
      "4242424242424241",
      "call +1 415 555 0100",
      "2026-11-26 03:40:00",
      "411111111111",
      "12345678901234567890123",
      "pm_card_visa",
      "from 192.168.100.200",
      "shipped 2026/11/26",
      "v1.2.3.4",
      ""
  })
  void leavesOtherDigitsAlone(String text) {
    assertThat(CardNumbers.containsCardNumber(text)).isFalse();
  }
}
