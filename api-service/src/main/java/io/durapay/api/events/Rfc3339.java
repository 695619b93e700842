package io.durapay.api.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an RFC 3339 date-time, the OpenAPI {@code date-time} format, whole: {@code T} and {@code Z}
 * in either case, any number of fraction digits (nanoseconds kept), offsets up to ±23:59 and a
 * leap second, which {@link java.time.OffsetDateTime#parse} refuses (it stops at ±18:00).
 */
final class Rfc3339 {
  private static final Pattern DATE_TIME = Pattern.compile(
      "(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(?:([Zz])|([+-])(\\d{2}):(\\d{2}))");

  private Rfc3339() {}

  /** The instant, or empty when {@code text} is not an RFC 3339 date-time. */
  static Optional<Instant> parse(String text) {
    Matcher m = DATE_TIME.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      int second = Integer.parseInt(m.group(6));
      String fraction = m.group(7) == null ? "" : m.group(7);
      int nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
      LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
          Math.min(second, 59), nanos);
      if (second == 60) {
        local = local.plusSeconds(1);
      } else if (second > 60) {
        return Optional.empty();
      }
      long offset = 0;
      if (m.group(8) == null) {
        int hours = Integer.parseInt(m.group(10));
        int minutes = Integer.parseInt(m.group(11));
        if (hours > 23 || minutes > 59) {
          return Optional.empty();
        }
        offset = (m.group(9).equals("-") ? -1 : 1) * (hours * 3600L + minutes * 60L);
      }
      return Optional.of(local.toInstant(ZoneOffset.UTC).minusSeconds(offset));
    } catch (DateTimeException e) {
      return Optional.empty(); // 30 February and the like
    }
  }
}
