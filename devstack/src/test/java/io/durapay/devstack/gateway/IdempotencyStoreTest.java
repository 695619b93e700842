package io.durapay.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdempotencyStoreTest {
  private static final Instant T = Instant.parse("2026-12-02T03:00:00Z");

  /**
   * Two requests under one key, let through together: each read the clock before taking the
   * ledger's lock, so the second may carry an instant a moment before the first's. An answer that
   * took no work time is a replay for it, not "a request in progress" (the fresh-clone CI run
   * failed GatewaySimulatorTest's held-charge test on this once; this test failed before the fix).
   */
  @Test
  void anAnswerThatTookNoTimeIsReplayedEvenToARequestStampedAMomentEarlier() {
    IdempotencyStore store = new IdempotencyStore();
    store.remember("k", "fp", GatewayAnswer.ok(JsonNodeFactory.instance.objectNode().put("id", "pi_1")), T);

    GatewayAnswer replay = store.replay("k", "fp", T.minusMillis(1)).orElseThrow();

    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.replayed()).isTrue();
  }

  @Test
  void aKeyWhoseFirstRequestIsStillBeingWorkedOnIsInUse() {
    IdempotencyStore store = new IdempotencyStore();
    store.remember("k", "fp",
        GatewayAnswer.ok(JsonNodeFactory.instance.objectNode().put("id", "pi_1")).after(Duration.ofSeconds(3)), T);

    assertThat(store.replay("k", "fp", T.plusSeconds(1)).orElseThrow().status()).isEqualTo(409);
    assertThat(store.replay("k", "fp", T.plusSeconds(3)).orElseThrow().status()).isEqualTo(200);
  }

  @org.junit.jupiter.api.Test
  void aKeyIsForgotten24HoursAfterItsFirstAnswer() {
    IdempotencyStore store = new IdempotencyStore();
    store.remember("k", "fp", GatewayAnswer.ok(JsonNodeFactory.instance.objectNode().put("id", "pi_1")), T);

    assertThat(store.replay("k", "fp", T.plus(IdempotencyStore.KEY_LIFETIME).minusSeconds(1))).isPresent();
    assertThat(store.replay("k", "fp", T.plus(IdempotencyStore.KEY_LIFETIME))).isEmpty();
  }
}
