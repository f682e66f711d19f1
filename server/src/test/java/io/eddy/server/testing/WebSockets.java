package io.eddy.server.testing;

import java.net.URI;

/** Test helpers for endpoint addresses. */
public final class WebSockets {

    private WebSockets() {
    }

    /** http://host:port/path → ws://host:port/path, as {@code @TestHTTPResource} hands out http URIs. */
    public static URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }
}
