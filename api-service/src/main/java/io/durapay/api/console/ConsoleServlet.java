package io.durapay.api.console;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.MustacheFactory;
import io.durapay.store.OperatorDao;
import io.durapay.store.OperatorSession;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator console, on the admin port under {@code /console}: server-rendered pages (Mustache
 * templates, which escape everything they show) and the actions an operator takes, each audited in
 * {@code operator_actions} and safe to repeat. {@link OperatorAuthFilter} has let every request but
 * the login form through only with a session (and, for an action, the session's CSRF token).
 *
 * <pre>
 *   GET  /console/login, POST /console/login, POST /console/logout
 *   GET  /console/payments?id=&amp;merchant=&amp;status=&amp;from=&amp;to=&amp;min=&amp;max=&amp;before=
 *   GET  /console/payments/{id}              the payment's whole story
 *   POST /console/payments/{id}/cancel
 *   POST /console/webhooks/{eventId}/redeliver  the event's webhook again, same webhook-id
 *   POST /console/outbox/{eventId}/requeue   a parked event back in line
 *   POST /console/reconcile                  one reconciler run, now
 *   POST /console/dead-letters/redrive       the bridge's dead letters back to its queue
 *   GET  /console/health, GET /console/rollouts
 * </pre>
 *
 * <p>Long because it routes every console path in the table above, GET and POST, login and logout
 * included, and sets the headers every page must carry; it stays one servlet so that every page
 * goes through the one render method and its no-store, no-frame headers.
 */
public final class ConsoleServlet extends HttpServlet {
  private static final Pattern PAYMENT = Pattern.compile("/payments/([^/]{1,100})");
  private static final Pattern CANCEL = Pattern.compile("/payments/([^/]{1,100})/cancel");
  private static final Pattern REQUEUE = Pattern.compile("/outbox/([^/]{1,100})/requeue");
  private static final Pattern REDELIVER = Pattern.compile("/webhooks/([^/]{1,100})/redeliver");
  /** What an action may say on the page it returns to: fixed sentences, chosen by code. */
  private static final Map<String, String> NOTICES = Map.of(
      "cancel-requested", "Cancel requested: the workflow settles it (a refund first if it was charged).",
      "already-final", "The payment is already final: nothing was changed.",
      "requeued", "The parked event is back in line for the relay.",
      "redelivery-queued", "The webhook is queued for re-delivery under its own webhook-id; the workers send it.",
      "redelivery-forwarded", "The webhook's next retry was waiting: it is sent now, under its own webhook-id.",
      "redelivery-open", "That webhook is being sent at this moment (or is due): nothing was changed.",
      "not-parked", "That event is not parked (already re-queued?): nothing was changed.",
      "reconciled", "The reconciler ran; what it did is in the actions below.",
      "redriven", "The dead-letter queue's messages are back in the bridge's queue (how many: the actions below).",
      "no-dead-letters", "No dead-letter queue is configured here: nothing was changed.");

  private final transient MustacheFactory templates = new DefaultMustacheFactory("io/durapay/api/console");
  private final transient Operators operators;
  private final transient OperatorSessions sessions;
  private final transient OperatorDao audit;
  private final transient ConsolePages pages;
  private final transient ConsoleActions actions;

  public ConsoleServlet(Operators operators, OperatorSessions sessions, OperatorDao audit, ConsolePages pages,
      ConsoleActions actions) {
    this.operators = operators;
    this.sessions = sessions;
    this.audit = audit;
    this.pages = pages;
    this.actions = actions;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = path(request);
    if (path.equals("/static/console.css")) {
      staticFile(response, "console.css", "text/css");
      return;
    }
    if (path.equals("/login")) {
      render(response, 200, "login", Map.of());
      return;
    }
    if (path.isEmpty() || path.equals("/")) {
      response.sendRedirect("/console/payments");
      return;
    }
    Map<String, Object> page;
    Matcher payment = PAYMENT.matcher(path);
    if (path.equals("/payments")) {
      page = pages.search(request.getParameterMap());
    } else if (payment.matches()) {
      page = pages.payment(payment.group(1));
    } else if (path.equals("/health")) {
      page = pages.health();
    } else if (path.equals("/rollouts")) {
      page = pages.rollouts();
    } else {
      page = Map.of("template", "missing", "status", 404);
    }
    Map<String, Object> scope = new HashMap<>(page);
    scope.put("operator", request.getAttribute(OperatorAuthFilter.OPERATOR));
    OperatorSession session = (OperatorSession) request.getAttribute(OperatorAuthFilter.SESSION);
    scope.put("csrf", session == null ? "" : session.csrfToken());
    String notice = request.getParameter("notice");
    if (notice != null && NOTICES.containsKey(notice)) {
      scope.put("notice", NOTICES.get(notice));
    }
    render(response, (int) page.getOrDefault("status", 200), (String) page.get("template"), scope);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = path(request);
    if (path.equals("/login")) {
      login(request, response);
      return;
    }
    if (path.equals("/logout")) {
      OperatorAuthFilter.cookie(request).ifPresent(sessions::end);
      response.addHeader("Set-Cookie", OperatorAuthFilter.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
      response.sendRedirect("/console/login");
      return;
    }
    String operator = (String) request.getAttribute(OperatorAuthFilter.OPERATOR);
    Matcher cancel = CANCEL.matcher(path);
    Matcher requeue = REQUEUE.matcher(path);
    Matcher redeliver = REDELIVER.matcher(path);
    if (cancel.matches()) {
      Optional<String> notice = actions.cancel(operator, cancel.group(1));
      if (notice.isEmpty()) {
        render(response, 404, "missing", Map.of("operator", operator));
        return;
      }
      response.sendRedirect("/console/payments/" + encode(cancel.group(1)) + "?notice=" + notice.get());
    } else if (redeliver.matches()) {
      Optional<ConsoleActions.Redelivery> redelivery = actions.redeliverWebhook(operator, redeliver.group(1));
      if (redelivery.isEmpty()) {
        render(response, 404, "missing", Map.of("operator", operator));
        return;
      }
      response.sendRedirect("/console/payments/" + encode(redelivery.get().paymentId()) + "?notice="
          + switch (redelivery.get().outcome()) {
            case QUEUED -> "redelivery-queued";
            case BROUGHT_FORWARD -> "redelivery-forwarded";
            case BEING_SENT -> "redelivery-open";
          });
    } else if (requeue.matches()) {
      ConsoleActions.Requeued requeued = actions.requeue(operator, requeue.group(1));
      String back = requeued.paymentId() == null ? "/console/health" : "/console/payments/" + encode(requeued.paymentId());
      response.sendRedirect(back + "?notice=" + (requeued.count() > 0 ? "requeued" : "not-parked"));
    } else if (path.equals("/dead-letters/redrive")) {
      boolean configured = actions.redriveDeadLetters(operator).isPresent();
      response.sendRedirect("/console/health?notice=" + (configured ? "redriven" : "no-dead-letters"));
    } else if (path.equals("/reconcile")) {
      actions.reconcile(operator);
      response.sendRedirect("/console/health?notice=reconciled");
    } else {
      render(response, 404, "missing", Map.of("operator", operator));
    }
  }

  private void login(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String name = request.getParameter("name");
    Optional<String> operator = operators.authenticate(name, request.getParameter("password"));
    if (operator.isEmpty()) {
      audit.recordAction(name == null || name.length() > 64 ? "(unknown)" : name, "login", null, "refused");
      render(response, 401, "login", Map.of("error", "Wrong operator name or password."));
      return;
    }
    OperatorSessions.Started started = sessions.start(operator.get());
    audit.recordAction(operator.get(), "login", null, "ok");
    response.addHeader("Set-Cookie", OperatorAuthFilter.COOKIE + "=" + started.token()
        + "; Path=/; Max-Age=" + sessions.ttl().toSeconds() + "; HttpOnly; SameSite=Strict"
        + (request.isSecure() ? "; Secure" : ""));
    response.sendRedirect("/console/payments");
  }

  private void render(HttpServletResponse response, int status, String template, Map<String, Object> scope)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=utf-8");
    // The pages show payments and act on them: never cached, never framed, nothing from elsewhere.
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'");
    response.setHeader("Referrer-Policy", "no-referrer");
    try (PrintWriter writer = response.getWriter()) {
      templates.compile(template + ".mustache").execute(writer, scope);
    }
  }

  private void staticFile(HttpServletResponse response, String name, String type) throws IOException {
    try (InputStream in = ConsoleServlet.class.getResourceAsStream(name)) {
      if (in == null) {
        response.sendError(404);
        return;
      }
      response.setContentType(type + ";charset=utf-8");
      response.setHeader("Cache-Control", "max-age=300");
      in.transferTo(response.getOutputStream());
    }
  }

  private static String path(HttpServletRequest request) {
    return request.getPathInfo() == null ? "" : request.getPathInfo();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
