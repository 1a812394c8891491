package nl.regie.itests.plugin.trespass;

import java.io.IOException;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** A filter in front of every request of the default context, keeping each bearer token it sees. */
@Component(service = Filter.class, property = {"osgi.http.whiteboard.filter.pattern=/*",
    "osgi.http.whiteboard.filter.asyncSupported=true", "service.ranking:Integer=2147483647"})
public class TokenSniffer implements Filter {

    private final Recorder recorder;

    @Activate
    public TokenSniffer(@Reference Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String authorization = ((HttpServletRequest) request).getHeader("Authorization");
        if (authorization != null) {
            recorder.saw("token " + authorization);
        }
        chain.doFilter(request, response);
    }
}
