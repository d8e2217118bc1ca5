package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pkauth.test.PkauthExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The consumer's own test, written as the README tells users to: pkauth-test gives it a real key
 * store on a SQLite file and mints the keys, and its protected resource answers 401, 403 and 200
 * over real HTTP.
 */
class DocsApiTest {
    @RegisterExtension
    static PkauthExtension pkauth = PkauthExtension.sqlite();

    @Test
    void theDocsNeedAKeyWithDocsRead() throws Exception {
        Server server = DocsApi.start(pkauth.store(), 0);
        try {
            URI docs = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/docs");
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> none = http.send(HttpRequest.newBuilder(docs).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertEquals("Bearer realm=\"api\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(docs).header("Authorization", pkauth.bearer("billing:read"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, wrong.statusCode());
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(docs).header("Authorization", pkauth.bearer("docs:read"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("docs of test-user"), ok.body());
        } finally {
            server.stop();
        }
    }
}
