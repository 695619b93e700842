package io.durapay.api.reconciler;

import io.durapay.api.admin.AdminTask;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/reconcile-payments} on the admin port: one reconciler run, now. */
public final class ReconcileTask extends AdminTask {
  private final Reconciler reconciler;

  public ReconcileTask(Reconciler reconciler) {
    super("reconcile-payments");
    this.reconciler = reconciler;
  }

  @Override
  protected void run(Map<String, List<String>> parameters, PrintWriter output) {
    output.println(reconciler.reconcileOnce());
  }
}
