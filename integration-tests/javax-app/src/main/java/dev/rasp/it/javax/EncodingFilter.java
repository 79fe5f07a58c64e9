package dev.rasp.it.javax;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletResponse;

/** The usual first filter of a servlet app: request encoding and a couple of response headers. */
public final class EncodingFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (req.getCharacterEncoding() == null) {
            req.setCharacterEncoding("UTF-8");
        }
        ((HttpServletResponse) res).setHeader("X-Content-Type-Options", "nosniff");
        chain.doFilter(req, res);
    }
}
