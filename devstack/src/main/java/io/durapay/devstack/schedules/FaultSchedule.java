package io.durapay.devstack.schedules;

import io.durapay.devstack.gateway.ScriptedFault;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the gateway does to one payment: the card (which decides declines, asynchronous
 * settlement, refunds that stay pending or fail), the faults its requests meet one after the
 * other, and whether the merchant cancels it as it starts.
 */
public record FaultSchedule(String card, List<ScriptedFault> faults, boolean cancelled) {

  /** Cards and how often each is drawn (of 100). */
  private static final String[] CARDS = {
    "pm_card_visa", "pm_card_chargeDeclined", "pm_card_processing", "pm_card_processingDeclined",
    "pm_card_authenticationRequired", "pm_card_refundPending", "pm_card_refundFail"
  };
  private static final int[] CARD_WEIGHTS = {52, 8, 10, 6, 6, 10, 8};

  /** One schedule drawn from {@code random}: up to eight faults, one in eight cancelled. */
  public static FaultSchedule draw(Random random) {
    String card = CARDS[weighted(random, CARD_WEIGHTS)];
    int length = random.nextInt(9);
    List<ScriptedFault> faults = new ArrayList<>(length);
    ScriptedFault[] all = ScriptedFault.values();
    for (int i = 0; i < length; i++) {
      // NONE as often as any fault, so that faults fall on different steps of the protocol.
      faults.add(all[random.nextInt(all.length)]);
    }
    return new FaultSchedule(card, List.copyOf(faults), random.nextInt(8) == 0);
  }

  private static int weighted(Random random, int[] weights) {
    int total = 0;
    for (int weight : weights) {
      total += weight;
    }
    int pick = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      pick -= weights[i];
      if (pick < 0) {
        return i;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** A card whose refund the gateway fails: the one way a failed payment may stay charged. */
  public boolean refundFails() {
    return card.equals("pm_card_refundFail");
  }
}
