package io.durapay.worker.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WebhookRetryScheduleTest {
  private final WebhookRetrySchedule standard =
      new WebhookRetrySchedule(WebhookRetrySchedule.STANDARD, new SplittableRandom(42));

  @Test
  void theStandardScheduleGoesOnForAboutThreeDays() {
    Duration total = WebhookRetrySchedule.STANDARD.stream().reduce(Duration.ZERO, Duration::plus);

    assertThat(total).isEqualTo(Duration.ofMinutes(75 * 60 + 30));
    assertThat(standard.wait(WebhookRetrySchedule.STANDARD.size(), null)).as("spent").isEmpty();
    assertThat(standard.wait(-1, null)).isEmpty();
  }

  @Test
  void eachWaitIsMovedByAtMostATenthAndTheyDoNotAllComeOutTheSame() {
    List<Duration> firsts = IntStream.range(0, 200).mapToObj(i -> standard.wait(0, null).orElseThrow()).toList();

    assertThat(firsts).allSatisfy(wait -> assertThat(wait).isBetween(Duration.ofMinutes(27), Duration.ofMinutes(33)));
    assertThat(firsts.stream().distinct().count()).as("jittered").isGreaterThan(100);
  }

  @Test
  void aLongerRetryAfterIsHonouredUpToTheLongestWaitAndAShorterOneChangesNothing() {
    assertThat(standard.wait(0, Duration.ofHours(3))).contains(Duration.ofHours(3));
    assertThat(standard.wait(0, Duration.ofDays(30))).as("never beyond the schedule").contains(Duration.ofHours(24));
    assertThat(standard.wait(0, Duration.ofSeconds(1)).orElseThrow())
        .isBetween(Duration.ofMinutes(27), Duration.ofMinutes(33));
  }

  @Test
  void aWaitThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> new WebhookRetrySchedule(List.of(Duration.ofMinutes(5), Duration.ZERO), new SplittableRandom()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }
}
