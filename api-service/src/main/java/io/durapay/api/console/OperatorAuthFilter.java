package io.durapay.api.console;

import io.durapay.store.OperatorDao;
import io.durapay.store.OperatorSession;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The lock on the admin side, in front of {@code /console/*} and {@code /tasks/*}. A request gets
 * through with a console session (its cookie; a form that changes something must also carry the
 * session's CSRF token) or with an operator's name and password as HTTP Basic credentials, for
 * scripts. Anything else is 401 and does nothing (a console page redirects to the login form).
 *
 * <p>Basic credentials are for scripts: a browser that has them sends them to any form, so a
 * request that carries them and an {@code Origin} header (which browsers add to every cross-site
 * form post) and changes something is refused. Every task call is audited: who, which task, with
 * which parameters, and the status it ended with.
 */
public final class OperatorAuthFilter implements Filter {
  /** The request attribute holding the operator's name once the filter let the request through. */
  public static final String OPERATOR = "durapay.operator";
  /** The request attribute holding the console session, when the request came with one. */
  public static final String SESSION = "durapay.operatorSession";
  public static final String COOKIE = "durapay_console";
  public static final String CSRF_FIELD = "csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  /** The operator of the request this thread serves, for tasks (Dropwizard hands them no request). */
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private final Operators operators;
  private final OperatorSessions sessions;
  private final OperatorDao audit;

  public OperatorAuthFilter(Operators operators, OperatorSessions sessions, OperatorDao audit) {
    this.operators = operators;
    this.sessions = sessions;
    this.audit = audit;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String path = path(request);
    if (path.equals("/console/login") || path.startsWith("/console/static/")) {
      chain.doFilter(request, response);
      return;
    }
    boolean safe = SAFE_METHODS.contains(request.getMethod());

    // A session outlives nothing: once its operator is removed it lets no one in, even one made by
    // a login that raced the removal.
    Optional<OperatorSession> session = sessions.find(cookie(request).orElse(null))
        .filter(found -> operators.exists(found.operator()));
    String operator;
    if (session.isPresent()) {
      if (!safe && !csrfMatches(request, session.get())) {
        refuse(response, 403, "The form's CSRF token is missing or is not this session's; reload the page.");
        return;
      }
      operator = session.get().operator();
      request.setAttribute(SESSION, session.get());
    } else {
      Optional<String> basic = basicOperator(request);
      if (basic.isEmpty()) {
        unauthenticated(request, response, path, safe);
        return;
      }
      if (!safe && request.getHeader("Origin") != null) {
        refuse(response, 403, "Operator passwords are for scripts; from a browser, use the console.");
        return;
      }
      operator = basic.get();
    }
    request.setAttribute(OPERATOR, operator);
    CURRENT.set(operator);
    try {
      chain.doFilter(request, response);
    } finally {
      CURRENT.remove();
    }
    if (path.startsWith("/tasks/")) {
      audit.recordAction(operator, "task " + path.substring("/tasks/".length()),
          truncate(request.getQueryString()), String.valueOf(response.getStatus()));
    }
  }

  /** The operator this filter let through for the request being served on this thread. */
  public static String currentOperator() {
    String operator = CURRENT.get();
    if (operator == null) {
      throw new IllegalStateException("no operator request on this thread: is the filter mapped?");
    }
    return operator;
  }

  private static boolean csrfMatches(HttpServletRequest request, OperatorSession session) {
    String given = request.getHeader(CSRF_HEADER);
    if (given == null) {
      given = request.getParameter(CSRF_FIELD);
    }
    return OperatorSessions.csrfMatches(session, given);
  }

  private void unauthenticated(HttpServletRequest request, HttpServletResponse response, String path, boolean safe)
      throws IOException {
    if (path.startsWith("/console") && safe) {
      response.sendRedirect(request.getContextPath() + "/console/login");
      return;
    }
    response.setHeader("WWW-Authenticate", "Basic realm=\"durapay operators\", charset=\"UTF-8\"");
    refuse(response, 401, "An operator's login is required: the console's, or the operator's name and"
        + " password as HTTP Basic credentials.");
  }

  private Optional<String> basicOperator(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return operators.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  static Optional<String> cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie cookie : cookies) {
      if (COOKIE.equals(cookie.getName())) {
        return Optional.of(cookie.getValue());
      }
    }
    return Optional.empty();
  }

  static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
    String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
    return servletPath + pathInfo;
  }

  private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().println(message);
  }

  private static String truncate(String text) {
    return text == null || text.length() <= 500 ? text : text.substring(0, 500) + "…";
  }
}
