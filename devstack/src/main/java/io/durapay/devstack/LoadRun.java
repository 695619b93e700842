package io.durapay.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.WorkflowIds;
import io.durapay.devstack.gateway.SimulatedCharge;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A load run through the whole devstack: {@code payments} POSTs from {@code clients} concurrent
 * merchants' clients, then a wait for every accepted payment to reach a final state, then the
 * books: accepted = events published = workflows started = final states = completed payments
 * (every card here succeeds) = gateway charges, one per payment; no 5xx. {@code devstack load} runs it; {@code LoadRunIT} runs
 * a small one in the test suite.
 *
 * <p>Long because its books gather figures from five places (the API's answers, the outbox,
 * Temporal, the payments table, the gateway simulator) into one twelve-field record; it stays one
 * class so that the run, the counts and the printed books that must agree sit side by side.
 */
public final class LoadRun {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * The books after the run.
   *
   * @param statuses how many answers of each HTTP status the POSTs got
   * @param ingestSeconds from the first POST to the last answer
   * @param finishSeconds from the first POST to the last final state
   */
  public record Result(
      int requested,
      Map<Integer, Long> statuses,
      int accepted,
      int published,
      int workflows,
      int finalStates,
      int completed,
      int charges,
      int paymentsCharged,
      int refunds,
      double ingestSeconds,
      double finishSeconds) {

    public long serverErrors() {
      return statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
    }

    /** Every count agrees and nothing answered 5xx. */
    public boolean agrees() {
      return serverErrors() == 0
          && accepted == requested
          && published == accepted
          && workflows == accepted
          && finalStates == accepted
          && completed == accepted
          && completed == charges
          && charges == paymentsCharged
          && refunds == 0;
    }
  }

  private final Stack stack;
  private final PrintStream out;

  public LoadRun(Stack stack, PrintStream out) {
    this.stack = stack;
    this.out = out;
  }

  public Result run(int payments, int clients, Duration finishWithin) throws Exception {
    ApiClient api = new ApiClient(stack::apiUrl);
    String key = stack.demoMerchant().apiKey();
    List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
    List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Void>> work = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      work.add(pool.submit(() -> {
        while (next.getAndIncrement() < payments) {
          ApiClient.Reply response =
              api.tryCreatePayment(key, "pm_card_visa", UUID.randomUUID().toString());
          statuses.add(response.status());
          if (response.status() == 201) {
            accepted.add(MAPPER.readTree(response.body()).get("id").asText());
          }
        }
        return null;
      }));
    }
    try {
      for (Future<Void> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double ingestSeconds = (System.nanoTime() - start) / 1e9;
    out.printf("%d POSTs in %.1f s (%.0f/s); waiting for final states%n",
        payments, ingestSeconds, payments / ingestSeconds);

    long deadline = System.nanoTime() + finishWithin.toNanos();
    int finalStates = 0;
    while (System.nanoTime() < deadline) {
      finalStates = countFinal(accepted);
      if (finalStates == accepted.size()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    double finishSeconds = (System.nanoTime() - start) / 1e9;

    Set<String> ids = Set.copyOf(accepted);
    List<SimulatedCharge> charges = stack.gateway().charges().stream()
        .filter(c -> ids.contains(c.paymentId())).toList();
    Result result = new Result(
        payments,
        statuses.stream().collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting())),
        accepted.size(),
        countPublished(accepted),
        countWorkflows(accepted),
        finalStates,
        countCompleted(accepted),
        charges.size(),
        (int) charges.stream().map(SimulatedCharge::paymentId).distinct().count(),
        (int) stack.gateway().refunds().stream().filter(r -> ids.contains(r.paymentId())).count(),
        ingestSeconds,
        finishSeconds);
    print(result, clients);
    return result;
  }

  private int countFinal(List<String> ids) {
    return count(ids, "status IN ('completed', 'failed', 'cancelled')");
  }

  private int countCompleted(List<String> ids) {
    return count(ids, "status = 'completed'");
  }

  private int count(List<String> ids, String condition) {
    return stack.jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM payments WHERE id = ANY(:ids) AND " + condition)
        .bindArray("ids", String.class, ids).mapTo(Integer.class).one());
  }

  private int countPublished(List<String> ids) {
    return stack.jdbi().withHandle(h -> h.createQuery("""
            SELECT count(DISTINCT aggregate_id) FROM outbox
            WHERE aggregate_id = ANY(:ids) AND event_type = 'payment.initiated' AND published_at IS NOT NULL
            """)
        .bindArray("ids", String.class, ids).mapTo(Integer.class).one());
  }

  /** Asks Temporal about each payment's workflow: the count of those that exist. */
  private int countWorkflows(List<String> ids) {
    var service = stack.workflowClient().getWorkflowServiceStubs().blockingStub();
    int found = 0;
    for (String id : ids) {
      try {
        service.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(WorkflowIds.forPayment(id)))
            .build());
        found++;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    return found;
  }

  private void print(Result r, int clients) {
    out.printf("%n%d payments, %d concurrent clients%n", r.requested(), clients);
    out.printf("  answers              %s%n", r.statuses());
    out.printf("  accepted (201)       %d%n", r.accepted());
    out.printf("  events published     %d%n", r.published());
    out.printf("  workflows started    %d%n", r.workflows());
    out.printf("  final states         %d (completed %d)%n", r.finalStates(), r.completed());
    out.printf("  gateway charges      %d for %d payments; refunds %d%n", r.charges(), r.paymentsCharged(), r.refunds());
    out.printf("  ingest               %.1f s, %.0f payments/s%n", r.ingestSeconds(), r.accepted() / r.ingestSeconds());
    out.printf("  end to end           %.1f s, %.1f payments/s%n", r.finishSeconds(), r.finalStates() / r.finishSeconds());
    out.printf("  %s%n", r.agrees() ? "the books agree" : "THE BOOKS DO NOT AGREE");
  }
}
