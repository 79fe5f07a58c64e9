package dev.rasp.it.javax;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** Logs each request with its status after the chain (so it sees what the client got). */
public final class AccessLogFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest r = (HttpServletRequest) req;
        long t0 = System.nanoTime();
        try {
            chain.doFilter(req, res);
        } finally {
            System.out.println("javax-app: " + r.getMethod() + " " + r.getRequestURI() + " -> "
                + ((HttpServletResponse) res).getStatus() + " in " + (System.nanoTime() - t0) / 1000 + "us");
        }
    }
}
