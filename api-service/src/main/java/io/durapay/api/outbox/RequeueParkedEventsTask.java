package io.durapay.api.outbox;

import io.durapay.api.admin.AdminTask;
import io.durapay.store.OutboxDao;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/requeue-parked-outbox-events[?eventId=…]} on the admin port: puts parked
 * events (all, or the one named) back in line with a fresh count of attempts, once an operator
 * has fixed what made the destination refuse them.
 */
public final class RequeueParkedEventsTask extends AdminTask {
  private final OutboxDao outbox;
  private final OutboxRelay relay;

  /** {@code relay} may be null when this instance runs none. */
  public RequeueParkedEventsTask(OutboxDao outbox, OutboxRelay relay) {
    super("requeue-parked-outbox-events");
    this.outbox = outbox;
    this.relay = relay;
  }

  @Override
  protected void run(Map<String, List<String>> parameters, PrintWriter output) {
    String eventId = optional(parameters, "eventId").orElse(null);
    int requeued = outbox.requeueParked(eventId);
    if (requeued > 0 && relay != null) {
      relay.wakeUp();
    }
    output.println("requeued: " + requeued);
  }
}
