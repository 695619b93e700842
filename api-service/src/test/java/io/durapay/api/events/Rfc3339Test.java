package io.durapay.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {
  @ParameterizedTest
  @CsvSource({
      "2026-12-01T00:00:00Z, 2026-12-01T00:00:00Z",
      "2026-12-01t00:00:00z, 2026-12-01T00:00:00Z",
      "2026-12-01T01:30:00+01:30, 2026-12-01T00:00:00Z",
      // Beyond java.time's ±18:00, within RFC 3339's ±23:59 (Schemathesis sent one).
      "1114-08-25T09:41:34-23:40, 1114-08-26T09:21:34Z",
      "2026-12-01T00:00:00.1234567891Z, 2026-12-01T00:00:00.123456789Z",
      "2016-12-31T23:59:60Z, 2017-01-01T00:00:00Z"})
  void readsEveryRfc3339DateTime(String text, String instant) {
    assertThat(Rfc3339.parse(text)).contains(Instant.parse(instant));
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2026-12-01", "2026-12-01T00:00:00", "2026-02-30T00:00:00Z",
      "2026-12-01T00:00:00+24:00", "2026-12-01T00:00:61Z", "2026-12-01 00:00:00Z"})
  void refusesWhatIsNot(String text) {
    assertThat(Rfc3339.parse(text)).isEmpty();
  }
}
